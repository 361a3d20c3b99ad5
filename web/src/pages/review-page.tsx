import { useParams } from "react-router";

import { useFeedbacks } from "@/features/feedback/api/feedback";
import { useVideo } from "@/features/videos/api/videos";
import { ErrorSummary } from "@/shared/ui/errors";
import { ReviewWorkspace } from "@/widgets/review/review-workspace";

import { NotFoundPage } from "./not-found-page";

export function ReviewPage() {
  const { videoId = "" } = useParams();
  const video = useVideo(videoId);
  useFeedbacks(videoId); // asked for beside the video, not after it: the markers come sooner
  if (video.isPending) return <p>Loading the video…</p>;
  if (video.error) {
    const status = (video.error as { status?: number }).status;
    return status === 404 ? <NotFoundPage /> : <ErrorSummary error={video.error} />;
  }
  return <ReviewWorkspace video={video.data} />;
}
