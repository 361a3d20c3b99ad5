import { createHash } from "node:crypto";

const PROJECT = "00000000-0000-4000-8000-00000000d301";
const UPLOAD = "00000000-0000-4000-8000-0000000000a1";
const VIDEO = "00000000-0000-4000-8000-0000000000b2";
const MIB = 1024 * 1024;
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

const upload = (offset: number, size: number) => ({
  id: UPLOAD,
  project_id: PROJECT,
  title: "Cut",
  filename: "cut.mp4",
  size,
  offset,
  created_at: "2026-11-29T10:00:00Z",
});

describe("uploadVideo", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it("resumes at the offset the server holds, sending the rest in 8 MiB parts with their SHA-256", async () => {
    const bytes = new Uint8Array(8 * MIB + 8 * MIB + 5).map((_, i) => i % 251);
    const file = new File([bytes], "cut.mp4", { type: "video/mp4" });
    const calls: { method: string; url: URL; body: ArrayBuffer | null }[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        const request = input instanceof Request ? input : new Request(String(input), init);
        const url = new URL(request.url);
        const body = request.method === "PATCH" ? await request.arrayBuffer() : null;
        calls.push({ method: request.method, url, body });
        if (request.method === "GET") return json(upload(8 * MIB, file.size));
        if (request.method === "PATCH") return json(upload(Number(url.searchParams.get("offset")) + body!.byteLength, file.size));
        return json({ id: VIDEO, project_id: PROJECT, title: "Cut", url: "http://localhost/x.mp4", duration: null, created_at: "2026-11-29T10:00:00Z" }, 201);
      }),
    );
    const { uploadVideo } = await import("../upload");
    const progress: number[] = [];

    const made = await uploadVideo(file, { projectId: PROJECT, title: "Cut" }, (sent) => progress.push(sent), UPLOAD);

    expect(made).toBe(VIDEO);
    expect(calls.map((c) => `${c.method} ${c.url.pathname}`)).toEqual([
      `GET /api/v1/uploads/${UPLOAD}`,
      `PATCH /api/v1/uploads/${UPLOAD}`,
      `PATCH /api/v1/uploads/${UPLOAD}`,
      `POST /api/v1/uploads/${UPLOAD}/complete`,
    ]);
    const parts = calls.filter((c) => c.method === "PATCH");
    expect(parts.map((p) => [p.url.searchParams.get("offset"), p.body!.byteLength])).toEqual([
      [String(8 * MIB), 8 * MIB],
      [String(16 * MIB), 5],
    ]);
    const digest = (from: number, to: number) => createHash("sha256").update(bytes.subarray(from, to)).digest("hex");
    expect(parts.map((p) => p.url.searchParams.get("sha256"))).toEqual([digest(8 * MIB, 16 * MIB), digest(16 * MIB, file.size)]);
    expect(progress).toEqual([8 * MIB, 16 * MIB, file.size]);
  });
});
