import { useNavigate } from "react-router";

import { useVersions, type Video } from "../api/videos";

/** Switch between the cuts of a video (shown when it has more than one). */
export function VersionSwitcher({ video }: { video: Video }) {
  const versions = useVersions(video.id);
  const navigate = useNavigate();
  if (!versions.data || versions.data.length < 2) return null;
  return (
    <label className="inline">
      <span>Version</span>
      <select value={video.id} onChange={(e) => navigate(`/videos/${e.target.value}`)}>
        {versions.data.map((v) => (
          <option key={v.id} value={v.id}>
            {`v${v.version ?? 1}${v.status && v.status !== "ready" ? ` (${v.status})` : ""}`}
          </option>
        ))}
      </select>
    </label>
  );
}
