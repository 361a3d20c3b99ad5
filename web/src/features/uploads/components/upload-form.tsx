import { useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";

import { ApiError } from "@/shared/lib/api/api-client";
import { ErrorSummary, FieldErrors } from "@/shared/ui/errors";

import { uploadVideo } from "../api/upload";

/** Upload a video file (or a new version of `videoId`), with progress and resume after a failure. */
export function UploadForm({ projectId, videoId, label }: { projectId: string; videoId?: string; label: string }) {
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState("");
  const [sent, setSent] = useState(0);
  const [uploadId, setUploadId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const client = useQueryClient();
  const id = useId();
  const apiError = error instanceof ApiError ? error : null;

  async function run(resume: boolean) {
    if (!file) return;
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await uploadVideo(
        file,
        { projectId, title: title || file.name, ...(videoId ? { videoId } : {}) },
        (bytes, upload) => {
          setSent(bytes);
          setUploadId(upload);
        },
        resume && uploadId ? uploadId : undefined,
      );
      setDone(true);
      setUploadId(null);
      void client.invalidateQueries({ queryKey: ["videos", projectId] });
      if (videoId) void client.invalidateQueries({ queryKey: ["versions"] });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void run(false);
  }

  return (
    <form className="stack" onSubmit={submit} aria-label={label}>
      <div className="inline-form">
        <label className="field">
          <span>Video file</span>
          <input type="file" accept="video/*" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} aria-describedby={`${id}-file`} />
        </label>
        {videoId ? null : (
          <label className="field">
            <span>Title</span>
            <input value={title} onChange={(e) => setTitle(e.target.value)} aria-describedby={`${id}-title`} />
          </label>
        )}
        <button type="submit" disabled={busy || !file}>
          Upload
        </button>
        {uploadId && error && !busy ? (
          <button type="button" onClick={() => void run(true)}>
            Resume upload
          </button>
        ) : null}
      </div>
      <FieldErrors id={`${id}-title`} messages={apiError?.forField("title")} />
      <FieldErrors id={`${id}-file`} messages={apiError?.forField("size").concat(apiError.forField("filename"))} />
      {error && !(apiError && (apiError.forField("title").length || apiError.forField("size").length)) ? <ErrorSummary error={error} /> : null}
      {file && (busy || sent > 0) ? (
        <progress aria-label={`Uploading ${file.name}`} max={file.size} value={sent}>
          {Math.round((sent / file.size) * 100)}%
        </progress>
      ) : null}
      {done ? <p role="status">Uploaded: the video is processing.</p> : null}
    </form>
  );
}
