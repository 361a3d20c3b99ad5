import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";

import { commentsKey } from "@/features/comments/api/comments";
import { feedbackKey } from "@/features/feedback/api/feedback";
import type { Present } from "@/features/presence/components/presence";
import { videoKey } from "@/features/videos/api/videos";
import type { RoomMessage } from "@/generated/events";
import { api, unwrap } from "@/shared/lib/api/api-client";
import { RoomSocket, type RoomStatus } from "@/shared/lib/realtime/room-socket";

/** A single-use ticket for this video's room, so no token ever sits in a URL. */
export async function roomUrl(videoId: string): Promise<string> {
  const { ticket } = await unwrap(api.POST("/api/v1/realtime/tickets", { body: { video_id: videoId } }));
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}/ws/videos/${videoId}/?ticket=${encodeURIComponent(ticket)}`;
}

/** Joins the video's live room: events refresh the cached data, presence is kept here. */
export function useRoom(videoId: string) {
  const client = useQueryClient();
  const [people, setPeople] = useState<Present[]>([]);
  const [status, setStatus] = useState<RoomStatus>("connecting");

  useEffect(() => {
    const apply = (message: RoomMessage) => {
      switch (message.type) {
        case "feedback.created":
        case "feedback.updated":
        case "feedback.deleted":
          void client.invalidateQueries({ queryKey: feedbackKey(videoId) });
          break;
        case "comment.added":
        case "reaction.updated":
          void client.invalidateQueries({ queryKey: commentsKey(message.payload.feedback_id) });
          break;
        case "presence.snapshot":
          setPeople(message.payload.users);
          break;
        case "user.joined":
          setPeople((current) => [...current.filter((p) => p.user_id !== message.payload.user_id), message.payload]);
          break;
        case "user.left":
          setPeople((current) => current.filter((p) => p.user_id !== message.payload.user_id));
          break;
        default:
          if ((message.type as string).startsWith("video.")) void client.invalidateQueries({ queryKey: videoKey(videoId) });
      }
    };
    const socket = new RoomSocket({
      connectUrl: () => roomUrl(videoId),
      onMessage: apply,
      onStatus: setStatus,
      onResync: () => {
        void client.invalidateQueries({ queryKey: feedbackKey(videoId) });
        void client.invalidateQueries({ queryKey: ["comments"] });
        void client.invalidateQueries({ queryKey: videoKey(videoId) });
      },
    });
    socket.start();
    const ping = setInterval(() => socket.send({ type: "ping", payload: {} }), 25_000);
    return () => {
      clearInterval(ping);
      socket.stop();
    };
  }, [videoId, client]);

  return { people, status };
}
