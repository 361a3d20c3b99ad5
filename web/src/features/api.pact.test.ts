// @vitest-environment jsdom
/**
 * The web app's HTTP contract with VideoPlanet-Backend: one interaction per API call the app
 * makes, each exercised through the app's own hook or function against Pact's mock server.
 * Error answers the app shows (401, 403, 404, 400 with field details) are contracts too.
 */
import { createHash } from "node:crypto";

import { MatchersV3 } from "@pact-foundation/pact";

import {
  COLOUR,
  COMMENT_ID,
  ERROR_CODE,
  FEEDBACK_ID,
  HTTP_PACT_FILE,
  JANE_ID,
  JOHN_ID,
  JOHN_PASSWORD,
  PARENT_COMMENT_ID,
  PRIORITY,
  PROJECT_ID,
  PROVIDER,
  ROLE,
  SCREENSHOT_URL,
  STATUS,
  TIMECODE,
  TOKEN,
  UNKNOWN_ID,
  VIDEO_ID,
  VIDEO_STATUS,
  BEARER,
  errorBody,
  newPact,
  outputDir,
  redirectFetch,
  user,
  userRef,
  when,
  writtenAndCommitted,
  COMMITTED,
  ADA_INVITATION_ID,
  EMAIL,
  FPS,
  HTTP_URL,
  INVITATION_ID,
  INVITATION_KEY,
  JANES_PROJECT_ID,
  SIGNUP_KEY,
  SIGNUP_PASSWORD,
  UPLOAD_ID,
  UPLOAD_SIZE,
  UPLOADED_VIDEO_ID,
  VIDEO_V2_ID,
} from "@/shared/lib/pact/harness";
import { runMutation, runQuery } from "@/shared/lib/pact/hooks";

const { like, eachLike, regex, uuid, integer } = MatchersV3;

// Before the app's modules load: the API client binds fetch when it is created.
const mock = redirectFetch();
const dir = outputDir();
const pact = newPact(PROVIDER, dir);

const app = {
  session: () => import("@/features/auth/api/session"),
  signUp: () => import("@/features/auth/api/sign-up"),
  invitations: () => import("@/features/invitations/api/invitations"),
  uploads: () => import("@/features/uploads/api/upload"),
  projects: () => import("@/features/projects/api/projects"),
  videos: () => import("@/features/videos/api/videos"),
  feedback: () => import("@/features/feedback/api/feedback"),
  comments: () => import("@/features/comments/api/comments"),
  room: () => import("@/widgets/review/use-room"),
  client: () => import("@/shared/lib/api/api-client"),
  token: () => import("@/shared/lib/session/token"),
};

const AUTH = { Authorization: regex(BEARER, `Bearer ${TOKEN}`) };
const JSON_TYPE = { "Content-Type": "application/json" };
// A real 1×1 PNG: the provider decodes every screenshot.
const PNG =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";
const DRAWING = { shapes: [{ type: "rectangle" as const, coordinates: [100, 100, 200, 200], style: { color: "#FF0000", width: 2 } }] };

const feedback = (overrides: Record<string, unknown> = {}) => ({
  id: uuid(FEEDBACK_ID),
  video_id: uuid(VIDEO_ID),
  timestamp: like(30.5),
  timestamp_end: null,
  frame: integer(732), // the provider's video runs at 24 fps: 30.5 s is frame 732
  timecode: regex(TIMECODE, "00:00:30:12"),
  frame_end: null,
  timecode_end: null,
  content: like("Sample feedback"),
  screenshot_url: null,
  drawing_data: null,
  priority: regex(PRIORITY, "medium"),
  status: regex(STATUS, "open"),
  user: user(),
  created_at: when(),
  updated_at: when(),
  ...overrides,
});

const project = () => ({ id: uuid(PROJECT_ID), name: like("Pact Test Project"), role: regex(ROLE, "owner"), created_at: when() });

const video = (id = VIDEO_ID) => ({
  id: uuid(id),
  project_id: uuid(PROJECT_ID),
  title: like("Pact Test Video"),
  url: like("https://example.com/video.mp4"),
  duration: like(120.0),
  status: regex(VIDEO_STATUS, "ready"),
  playback_url: like("https://example.com/video.mp4"),
  stack_id: uuid(VIDEO_ID),
  version: integer(1),
  created_at: when(),
});

const comment = (overrides: Record<string, unknown> = {}) => ({
  id: uuid(COMMENT_ID),
  feedback_id: uuid(FEEDBACK_ID),
  parent_id: null,
  content: like("Sample comment"),
  user: like({ id: uuid(JANE_ID), name: "Jane Doe" }),
  mentions: [],
  reactions: like({}),
  created_at: when("2025-08-24T10:30:00Z"),
  updated_at: when("2025-08-24T10:30:00Z"),
  ...overrides,
});

beforeEach(async () => {
  (await app.token()).setToken(TOKEN);
});

describe("the web app's HTTP contract", () => {
  it("reads the signed-in user", async () => {
    const { useMe } = await app.session();
    await pact
      .addInteraction()
      .given("user is authenticated")
      .uponReceiving("a request for the current user")
      .withRequest("GET", "/api/v1/me", (b) => b.headers(AUTH))
      // is_staff: the app shows staff the contract dashboard's link
      .willRespondWith(200, (b) => b.headers(JSON_TYPE).jsonBody({ ...user(), is_staff: like(false) }))
      .executeTest(async (server) => {
        mock.to(server.url);
        const { data } = await runQuery(useMe);
        expect([data?.id, data?.is_staff]).toEqual([JOHN_ID, false]);
      });
  });

  it("shows a 401 when the token is not valid", async () => {
    const { useMe } = await app.session();
    const { ApiError } = await app.client();
    (await app.token()).setToken("invalid-token");
    await pact
      .addInteraction()
      .given("user is authenticated")
      .uponReceiving("a request with an invalid token")
      .withRequest("GET", "/api/v1/me", (b) => b.headers({ Authorization: "Bearer invalid-token" }))
      .willRespondWith(401, (b) => b.headers(JSON_TYPE).jsonBody(errorBody("authentication_failed")))
      .executeTest(async (server) => {
        mock.to(server.url);
        const { error } = await runQuery(useMe);
        expect(error).toBeInstanceOf(ApiError);
        expect((error as InstanceType<typeof ApiError>).code).toBe("authentication_failed");
      });
  });

  it("signs in and keeps the token", async () => {
    const { signIn } = await app.session();
    const token = await app.token();
    token.setToken(null);
    await pact
      .addInteraction()
      .given("user is authenticated")
      .uponReceiving("a request to sign in")
      .withRequest("POST", "/api/v1/auth/token", (b) =>
        b.headers(JSON_TYPE).jsonBody({ email: "john@example.com", password: JOHN_PASSWORD }),
      )
      .willRespondWith(200, (b) => b.headers(JSON_TYPE).jsonBody({ token: like("vp_an-api-token"), user: user() }))
      .executeTest(async (server) => {
        mock.to(server.url);
        await signIn("john@example.com", JOHN_PASSWORD);
        expect(token.getToken()).toBe("vp_an-api-token");
      });
  });

  it("signs out (the app layout's call)", async () => {
    const { api } = await app.client();
    await pact
      .addInteraction()
      .given("user is authenticated")
      .uponReceiving("a request to sign out")
      .withRequest("DELETE", "/api/v1/auth/token", (b) => b.headers(AUTH))
      .willRespondWith(204)
      .executeTest(async (server) => {
        mock.to(server.url);
        const { response } = await api.DELETE("/api/v1/auth/token" as never);
        expect(response.status).toBe(204);
      });
  });

  it("lists my projects", async () => {
    const { useProjects } = await app.projects();
    await pact
      .addInteraction()
      .given("user is authenticated")
      .uponReceiving("a request to list my projects")
      .withRequest("GET", "/api/v1/projects", (b) => b.headers(AUTH))
      .willRespondWith(200, (b) => b.headers(JSON_TYPE).jsonBody(eachLike(project())))
      .executeTest(async (server) => {
        mock.to(server.url);
        const { data } = await runQuery(useProjects);
        expect(data?.map((p) => p.id)).toEqual([PROJECT_ID]);
      });
  });

  it("creates a project and owns it", async () => {
    const { useCreateProject } = await app.projects();
    await pact
      .addInteraction()
      .given("user is authenticated")
      .uponReceiving("a request to create a project")
      .withRequest("POST", "/api/v1/projects", (b) => b.headers({ ...AUTH, ...JSON_TYPE }).jsonBody({ name: "Trailer" }))
      .willRespondWith(201, (b) => b.headers(JSON_TYPE).jsonBody({ ...project(), name: "Trailer", role: "owner" }))
      .executeTest(async (server) => {
        mock.to(server.url);
        const { data } = await runMutation(useCreateProject, "Trailer");
        expect([data?.name, data?.role]).toEqual(["Trailer", "owner"]);
      });
  });

  it("reads a project", async () => {
    const { useProject } = await app.videos();
    await pact
      .addInteraction()
      .given("user is authenticated")
      .uponReceiving("a request for a project")
      .withRequest("GET", `/api/v1/projects/${PROJECT_ID}`, (b) => b.headers(AUTH))
      .willRespondWith(200, (b) => b.headers(JSON_TYPE).jsonBody(project()))
      .executeTest(async (server) => {
        mock.to(server.url);
        const { data } = await runQuery(() => useProject(PROJECT_ID));
        expect(data?.id).toBe(PROJECT_ID);
      });
  });

  it("lists a project's members", async () => {
    const { useMembers } = await app.comments();
    await pact
      .addInteraction()
      .given("user is authenticated")
      .uponReceiving("a request for a project's members")
      .withRequest("GET", `/api/v1/projects/${PROJECT_ID}/members`, (b) => b.headers(AUTH))
      .willRespondWith(200, (b) => b.headers(JSON_TYPE).jsonBody(eachLike({ user: user(), role: regex(ROLE, "owner") })))
      .executeTest(async (server) => {
        mock.to(server.url);
        const { data } = await runQuery(() => useMembers(PROJECT_ID));
        expect(data?.[0]?.user.id).toBe(JOHN_ID);
      });
  });

  it("lists a project's videos", async () => {
    const { useVideos } = await app.videos();
    await pact
      .addInteraction()
      .given("user is authenticated")
      .uponReceiving("a request to list a project's videos")
      .withRequest("GET", "/api/v1/videos", (b) => b.headers(AUTH).query({ project_id: PROJECT_ID }))
      .willRespondWith(200, (b) => b.headers(JSON_TYPE).jsonBody(eachLike(video())))
      .executeTest(async (server) => {
        mock.to(server.url);
        const { data } = await runQuery(() => useVideos(PROJECT_ID));
        expect(data?.map((v) => v.id)).toEqual([VIDEO_ID]);
      });
  });

  it("reads a video and where to play it", async () => {
    const { useVideo, playbackUrl } = await app.videos();
    await pact
      .addInteraction()
      .given("user is authenticated")
      .uponReceiving("a request for a video")
      .withRequest("GET", `/api/v1/videos/${VIDEO_ID}`, (b) => b.headers(AUTH))
      .willRespondWith(200, (b) => b.headers(JSON_TYPE).jsonBody(video()))
      .executeTest(async (server) => {
        mock.to(server.url);
        const { data } = await runQuery(() => useVideo(VIDEO_ID));
        expect(data && playbackUrl(data)).toBe("https://example.com/video.mp4");
      });
  });

  it("shows a 404 for a video it cannot see", async () => {
    const { useVideo } = await app.videos();
    const { ApiError } = await app.client();
    await pact
      .addInteraction()
      .given("user is authenticated")
      .uponReceiving("a request for a video that does not exist")
      .withRequest("GET", `/api/v1/videos/${UNKNOWN_ID}`, (b) => b.headers(AUTH))
      .willRespondWith(404, (b) => b.headers(JSON_TYPE).jsonBody(errorBody("not_found")))
      .executeTest(async (server) => {
        mock.to(server.url);
        const { error } = await runQuery(() => useVideo(UNKNOWN_ID));
        expect(error).toBeInstanceOf(ApiError);
        expect((error as InstanceType<typeof ApiError>).status).toBe(404);
      });
  });

  it("lists a video's feedback", async () => {
    const { useFeedbacks } = await app.feedback();
    await pact
      .addInteraction()
      .given("video has feedbacks")
      .uponReceiving("a request to list feedbacks")
      .withRequest("GET", "/api/v1/feedbacks", (b) => b.headers(AUTH).query({ video_id: VIDEO_ID, limit: "500" }))
      .willRespondWith(200, (b) => b.headers(JSON_TYPE).jsonBody(eachLike(feedback())))
      .executeTest(async (server) => {
        mock.to(server.url);
        const { data } = await runQuery(() => useFeedbacks(VIDEO_ID));
        expect(data?.map((f) => [f.id, f.timecode])).toEqual([[FEEDBACK_ID, "00:00:30:12"]]);
      });
  });

  it("creates feedback with a screenshot and a drawing", async () => {
    const { useCreateFeedback } = await app.feedback();
    await pact
      .addInteraction()
      .given("user is authenticated")
      .uponReceiving("a request to create feedback with timestamp")
      .withRequest("POST", "/api/v1/feedbacks", (b) =>
        b.headers({ ...AUTH, ...JSON_TYPE }).jsonBody({
          video_id: uuid(VIDEO_ID),
          timestamp: 30.5,
          content: "Button alignment issue",
          screenshot: like(PNG),
          drawing_data: DRAWING,
          priority: "high",
        }),
      )
      .willRespondWith(201, (b) =>
        b.headers(JSON_TYPE).jsonBody(
          feedback({
            content: like("Button alignment issue"),
            priority: regex(PRIORITY, "high"),
            screenshot_url: regex(SCREENSHOT_URL, "https://cdn.example.com/screenshots/abc123.png"),
            drawing_data: like({
              shapes: eachLike({
                type: "rectangle",
                coordinates: [100, 100, 200, 200],
                style: { color: regex(COLOUR, "#FF0000"), width: like(2) },
              }),
            }),
          }),
        ),
      )
      .executeTest(async (server) => {
        mock.to(server.url);
        const { data } = await runMutation(() => useCreateFeedback(VIDEO_ID), {
          video_id: VIDEO_ID,
          timestamp: 30.5,
          content: "Button alignment issue",
          screenshot: PNG,
          drawing_data: DRAWING,
          priority: "high",
        });
        expect(data?.screenshot_url).toMatch(/\.png$/);
        expect(data?.drawing_data?.shapes[0]?.style.color).toBe("#FF0000");
      });
  });

  it("shows the field a 400 names", async () => {
    const { useCreateFeedback } = await app.feedback();
    const { ApiError } = await app.client();
    await pact
      .addInteraction()
      .given("user is authenticated")
      .uponReceiving("a request to create feedback with an invalid priority")
      .withRequest("POST", "/api/v1/feedbacks", (b) =>
        b.headers({ ...AUTH, ...JSON_TYPE }).jsonBody({ video_id: uuid(VIDEO_ID), timestamp: 30.5, content: "Too loud", priority: "urgent" }),
      )
      .willRespondWith(400, (b) =>
        b.headers(JSON_TYPE).jsonBody(errorBody(regex(ERROR_CODE, "validation_error"), { priority: eachLike("Not a valid choice.") })),
      )
      .executeTest(async (server) => {
        mock.to(server.url);
        const { error } = await runMutation(() => useCreateFeedback(VIDEO_ID), {
          video_id: VIDEO_ID,
          timestamp: 30.5,
          content: "Too loud",
          priority: "urgent" as "high",
        });
        expect(error).toBeInstanceOf(ApiError);
        expect((error as InstanceType<typeof ApiError>).forField("priority")).toHaveLength(1);
      });
  });

  it("shows a 403 when a viewer posts feedback", async () => {
    const { useCreateFeedback } = await app.feedback();
    const { ApiError } = await app.client();
    await pact
      .addInteraction()
      .given("the user only views the project")
      .uponReceiving("a request by a viewer to create feedback")
      .withRequest("POST", "/api/v1/feedbacks", (b) =>
        b.headers({ ...AUTH, ...JSON_TYPE }).jsonBody({ video_id: uuid(VIDEO_ID), timestamp: 12.0, content: "Looks good", priority: "low" }),
      )
      .willRespondWith(403, (b) => b.headers(JSON_TYPE).jsonBody(errorBody("permission_denied")))
      .executeTest(async (server) => {
        mock.to(server.url);
        const { error } = await runMutation(() => useCreateFeedback(VIDEO_ID), {
          video_id: VIDEO_ID,
          timestamp: 12.0,
          content: "Looks good",
          priority: "low",
        });
        expect((error as InstanceType<typeof ApiError>).code).toBe("permission_denied");
      });
  });

  it("resolves feedback", async () => {
    const { useUpdateFeedback } = await app.feedback();
    await pact
      .addInteraction()
      .given("video has feedbacks")
      .uponReceiving("a request to resolve feedback")
      .withRequest("PATCH", `/api/v1/feedbacks/${FEEDBACK_ID}`, (b) => b.headers({ ...AUTH, ...JSON_TYPE }).jsonBody({ status: "resolved" }))
      .willRespondWith(200, (b) => b.headers(JSON_TYPE).jsonBody(feedback({ status: "resolved" })))
      .executeTest(async (server) => {
        mock.to(server.url);
        const { data, error } = await runMutation(() => useUpdateFeedback(VIDEO_ID), { id: FEEDBACK_ID, status: "resolved" });
        expect(error).toBeUndefined();
        expect(data?.status).toBe("resolved");
      });
  });

  it("deletes feedback", async () => {
    const { useDeleteFeedback } = await app.feedback();
    await pact
      .addInteraction()
      .given("video has feedbacks")
      .uponReceiving("a request to delete feedback")
      .withRequest("DELETE", `/api/v1/feedbacks/${FEEDBACK_ID}`, (b) => b.headers(AUTH))
      .willRespondWith(204)
      .executeTest(async (server) => {
        mock.to(server.url);
        const { error } = await runMutation(() => useDeleteFeedback(VIDEO_ID), FEEDBACK_ID);
        expect(error).toBeUndefined();
      });
  });

  it("lists a feedback's comments", async () => {
    const { useComments } = await app.comments();
    await pact
      .addInteraction()
      .given("comment exists")
      .uponReceiving("a request for a feedback's comments")
      .withRequest("GET", "/api/v1/comments", (b) => b.headers(AUTH).query({ feedback_id: FEEDBACK_ID }))
      .willRespondWith(200, (b) => b.headers(JSON_TYPE).jsonBody(eachLike(comment())))
      .executeTest(async (server) => {
        mock.to(server.url);
        const { data } = await runQuery(() => useComments(FEEDBACK_ID));
        expect(data?.map((c) => c.id)).toEqual([COMMENT_ID]);
      });
  });

  it("replies to a comment with a mention", async () => {
    const { useAddComment } = await app.comments();
    await pact
      .addInteraction()
      .given("feedback exists")
      .uponReceiving("a request to add comment to feedback")
      .withRequest("POST", "/api/v1/comments", (b) =>
        b.headers({ ...AUTH, ...JSON_TYPE }).jsonBody({
          feedback_id: uuid(FEEDBACK_ID),
          content: "This is a reply",
          parent_id: uuid(PARENT_COMMENT_ID),
          mentions: [uuid(JOHN_ID)],
        }),
      )
      .willRespondWith(201, (b) =>
        b.headers(JSON_TYPE).jsonBody(
          comment({
            parent_id: uuid(PARENT_COMMENT_ID),
            content: "This is a reply",
            mentions: eachLike(userRef()),
          }),
        ),
      )
      .executeTest(async (server) => {
        mock.to(server.url);
        const { data } = await runMutation(() => useAddComment(FEEDBACK_ID), {
          content: "This is a reply",
          parent_id: PARENT_COMMENT_ID,
          mentions: [JOHN_ID],
        });
        expect([data?.parent_id, data?.mentions.length]).toEqual([PARENT_COMMENT_ID, 1]);
      });
  });

  it("adds a reaction", async () => {
    const { useReaction } = await app.comments();
    await pact
      .addInteraction()
      .given("comment exists")
      .uponReceiving("a request to add reaction")
      .withRequest("POST", `/api/v1/comments/${COMMENT_ID}/reactions`, (b) => b.headers({ ...AUTH, ...JSON_TYPE }).jsonBody({ emoji: "👍" }))
      .willRespondWith(200, (b) => b.headers(JSON_TYPE).jsonBody({ success: true, reactions: { "👍": [uuid(JOHN_ID)] } }))
      .executeTest(async (server) => {
        mock.to(server.url);
        const { data } = await runMutation(() => useReaction(FEEDBACK_ID), { commentId: COMMENT_ID, emoji: "👍", add: true });
        expect(data?.reactions["👍"]).toEqual([JOHN_ID]);
      });
  });

  it("removes a reaction", async () => {
    const { useReaction } = await app.comments();
    await pact
      .addInteraction()
      .given("comment has a reaction")
      .uponReceiving("a request to remove my reaction")
      .withRequest("DELETE", `/api/v1/comments/${COMMENT_ID}/reactions/%F0%9F%91%8D`, (b) => b.headers(AUTH))
      .willRespondWith(200, (b) => b.headers(JSON_TYPE).jsonBody({ success: true, reactions: like({}) }))
      .executeTest(async (server) => {
        mock.to(server.url);
        const { data } = await runMutation(() => useReaction(FEEDBACK_ID), { commentId: COMMENT_ID, emoji: "👍", add: false });
        expect(data?.success).toBe(true);
      });
  });

  it("asks for a ticket to the video's live room", async () => {
    const { roomUrl } = await app.room();
    await pact
      .addInteraction()
      .given("user is authenticated")
      .uponReceiving("a request for a ticket to a video's live room")
      .withRequest("POST", "/api/v1/realtime/tickets", (b) => b.headers({ ...AUTH, ...JSON_TYPE }).jsonBody({ video_id: uuid(VIDEO_ID) }))
      .willRespondWith(201, (b) =>
        b.headers(JSON_TYPE).jsonBody({ ticket: like("a3Jv5mYq0Qe2Xw8Jt1bN9sLc7uHd4oZk6iPf0gRy2VE"), expires_at: when() }),
      )
      .executeTest(async (server) => {
        mock.to(server.url);
        const url = await roomUrl(VIDEO_ID);
        expect(url).toMatch(new RegExp(`/ws/videos/${VIDEO_ID}/\\?ticket=a3Jv5mYq0Qe2Xw8Jt1bN9sLc7uHd4oZk6iPf0gRy2VE$`));
      });
  });
});

// Sign-up, invitations, uploads and versions ------------------------------------------------

const invitation = (overrides: Record<string, unknown> = {}) => ({
  id: uuid(INVITATION_ID),
  project: { id: uuid(JANES_PROJECT_ID), name: like("Jane's Project") },
  email: regex(EMAIL, "john@example.com"),
  role: regex(ROLE, "reviewer"),
  status: "pending",
  invited_by: { id: uuid(JANE_ID), name: like("Jane Doe") },
  created_at: when(),
  expires_at: when("2025-08-31T10:00:00Z"),
  ...overrides,
});

const upload = (offset: number) => ({
  id: uuid(UPLOAD_ID),
  project_id: uuid(PROJECT_ID),
  title: like("Cut 3"),
  filename: like("cut3.mp4"),
  size: integer(UPLOAD_SIZE),
  offset, // where the next part starts: the app goes on from exactly here
  created_at: when(),
});

// The part the app sends: the "an upload has started" state's whole 1024-byte file.
const PART = Uint8Array.from({ length: UPLOAD_SIZE }, (_, i) => i % 256);
const PART_SHA256 = createHash("sha256").update(PART).digest("hex");

describe("the web app's HTTP contract: joining, inviting, uploading", () => {
  it("signs up and is asked to follow the emailed link", async () => {
    const { useRegister } = await app.signUp();
    (await app.token()).setToken(null);
    await pact
      .addInteraction()
      .given("user is authenticated")
      .uponReceiving("a request to sign up")
      .withRequest("POST", "/api/v1/auth/register", (b) =>
        b.headers(JSON_TYPE).jsonBody({ name: "Grace Hopper", email: "grace@example.com", password: SIGNUP_PASSWORD }),
      )
      .willRespondWith(202, (b) => b.headers(JSON_TYPE).jsonBody({ email: regex(EMAIL, "grace@example.com"), message: like("Follow the link.") }))
      .executeTest(async (server) => {
        mock.to(server.url);
        const { data } = await runMutation(useRegister, { name: "Grace Hopper", email: "grace@example.com", password: SIGNUP_PASSWORD });
        expect(data?.email).toBe("grace@example.com");
      });
  });

  it("finishes signing up with the emailed key and keeps the token", async () => {
    const { useVerifyEmail } = await app.signUp();
    const token = await app.token();
    token.setToken(null);
    await pact
      .addInteraction()
      .given("a sign-up is pending")
      .uponReceiving("a request to finish signing up")
      .withRequest("POST", "/api/v1/auth/verify", (b) => b.headers(JSON_TYPE).jsonBody({ key: SIGNUP_KEY, password: SIGNUP_PASSWORD }))
      .willRespondWith(201, (b) =>
        b.headers(JSON_TYPE).jsonBody({ token: like("vp_an-api-token"), user: user(JANE_ID, "Grace Hopper", "grace@example.com") }),
      )
      .executeTest(async (server) => {
        mock.to(server.url);
        const { data } = await runMutation(useVerifyEmail, { key: SIGNUP_KEY, password: SIGNUP_PASSWORD });
        expect(data?.user.name).toBe("Grace Hopper");
        expect(token.getToken()).toBe("vp_an-api-token");
      });
  });

  it("lists the invitations sent to me", async () => {
    const { useMyInvitations } = await app.invitations();
    await pact
      .addInteraction()
      .given("invitations are pending")
      .uponReceiving("a request for my pending invitations")
      .withRequest("GET", "/api/v1/invitations", (b) => b.headers(AUTH))
      .willRespondWith(200, (b) => b.headers(JSON_TYPE).jsonBody(eachLike(invitation())))
      .executeTest(async (server) => {
        mock.to(server.url);
        const { data } = await runQuery(useMyInvitations);
        expect(data?.map((i) => [i.id, i.project.name, i.invited_by?.name])).toEqual([[INVITATION_ID, "Jane's Project", "Jane Doe"]]);
      });
  });

  it("accepts an invitation from the list and joins the project", async () => {
    const { useAnswerInvitation } = await app.invitations();
    await pact
      .addInteraction()
      .given("invitations are pending")
      .uponReceiving("a request to accept an invitation by id")
      .withRequest("POST", `/api/v1/invitations/${INVITATION_ID}/accept`, (b) => b.headers(AUTH))
      .willRespondWith(200, (b) =>
        b.headers(JSON_TYPE).jsonBody({ id: uuid(JANES_PROJECT_ID), name: like("Jane's Project"), role: regex(ROLE, "reviewer"), created_at: when() }),
      )
      .executeTest(async (server) => {
        mock.to(server.url);
        const { data } = await runMutation(useAnswerInvitation, { id: INVITATION_ID, accept: true });
        expect([data?.id, data?.role]).toEqual([JANES_PROJECT_ID, "reviewer"]);
      });
  });

  it("declines an invitation from the list", async () => {
    const { useAnswerInvitation } = await app.invitations();
    await pact
      .addInteraction()
      .given("invitations are pending")
      .uponReceiving("a request to decline an invitation by id")
      .withRequest("POST", `/api/v1/invitations/${INVITATION_ID}/decline`, (b) => b.headers(AUTH))
      .willRespondWith(204)
      .executeTest(async (server) => {
        mock.to(server.url);
        const { error } = await runMutation(useAnswerInvitation, { id: INVITATION_ID, accept: false });
        expect(error).toBeUndefined();
      });
  });

  it("accepts an invitation with the emailed key", async () => {
    const { useAcceptByKey } = await app.invitations();
    await pact
      .addInteraction()
      .given("invitations are pending")
      .uponReceiving("a request to accept an invitation with its key")
      .withRequest("POST", "/api/v1/invitations/accept", (b) => b.headers({ ...AUTH, ...JSON_TYPE }).jsonBody({ key: INVITATION_KEY }))
      .willRespondWith(200, (b) =>
        b.headers(JSON_TYPE).jsonBody({ id: uuid(JANES_PROJECT_ID), name: like("Jane's Project"), role: regex(ROLE, "reviewer"), created_at: when() }),
      )
      .executeTest(async (server) => {
        mock.to(server.url);
        const { data } = await runMutation(useAcceptByKey, INVITATION_KEY);
        expect(data?.id).toBe(JANES_PROJECT_ID);
      });
  });

  it("shows why an expired invitation cannot be accepted", async () => {
    const { useAcceptByKey } = await app.invitations();
    const { ApiError } = await app.client();
    await pact
      .addInteraction()
      .given("an invitation has expired")
      .uponReceiving("a request to accept an expired invitation")
      .withRequest("POST", "/api/v1/invitations/accept", (b) => b.headers({ ...AUTH, ...JSON_TYPE }).jsonBody({ key: INVITATION_KEY }))
      .willRespondWith(400, (b) => b.headers(JSON_TYPE).jsonBody(errorBody("invitation_expired")))
      .executeTest(async (server) => {
        mock.to(server.url);
        const { error } = await runMutation(useAcceptByKey, INVITATION_KEY);
        expect((error as InstanceType<typeof ApiError>).code).toBe("invitation_expired");
      });
  });

  it("invites someone to a project by email", async () => {
    const { useInvite } = await app.projects();
    await pact
      .addInteraction()
      .given("user is authenticated")
      .uponReceiving("a request to invite someone by email")
      .withRequest("POST", `/api/v1/projects/${PROJECT_ID}/invitations`, (b) =>
        b.headers({ ...AUTH, ...JSON_TYPE }).jsonBody({ email: "ada@example.com", role: "reviewer" }),
      )
      .willRespondWith(202, (b) =>
        b.headers(JSON_TYPE).jsonBody(
          invitation({
            id: uuid(ADA_INVITATION_ID),
            project: { id: uuid(PROJECT_ID), name: like("Pact Test Project") },
            email: regex(EMAIL, "ada@example.com"),
            invited_by: { id: uuid(JOHN_ID), name: like("John Doe") },
          }),
        ),
      )
      .executeTest(async (server) => {
        mock.to(server.url);
        const { data } = await runMutation(() => useInvite(PROJECT_ID), { email: "ada@example.com", role: "reviewer" as const });
        expect([data?.email, data?.status]).toEqual(["ada@example.com", "pending"]);
      });
  });

  it("leaves a project another owner keeps", async () => {
    const { useLeaveProject } = await app.projects();
    await pact
      .addInteraction()
      .given("the project has another owner")
      .uponReceiving("a request to leave a project")
      .withRequest("DELETE", `/api/v1/projects/${PROJECT_ID}/members/me`, (b) => b.headers(AUTH))
      .willRespondWith(204)
      .executeTest(async (server) => {
        mock.to(server.url);
        const { error } = await runMutation(() => useLeaveProject(PROJECT_ID), undefined);
        expect(error).toBeUndefined();
      });
  });

  it("shows why the last owner cannot leave", async () => {
    const { useLeaveProject } = await app.projects();
    const { ApiError } = await app.client();
    await pact
      .addInteraction()
      .given("user is authenticated")
      .uponReceiving("a request by the last owner to leave a project")
      .withRequest("DELETE", `/api/v1/projects/${PROJECT_ID}/members/me`, (b) => b.headers(AUTH))
      .willRespondWith(400, (b) => b.headers(JSON_TYPE).jsonBody(errorBody("last_owner")))
      .executeTest(async (server) => {
        mock.to(server.url);
        const { error } = await runMutation(() => useLeaveProject(PROJECT_ID), undefined);
        expect((error as InstanceType<typeof ApiError>).code).toBe("last_owner");
      });
  });

  it("starts uploading a video file", async () => {
    const { startUpload } = await app.uploads();
    await pact
      .addInteraction()
      .given("user is authenticated")
      .uponReceiving("a request to start uploading a video file")
      .withRequest("POST", "/api/v1/uploads", (b) =>
        b.headers({ ...AUTH, ...JSON_TYPE }).jsonBody({ project_id: uuid(PROJECT_ID), title: "Cut 3", filename: "cut3.mp4", size: UPLOAD_SIZE }),
      )
      .willRespondWith(201, (b) => b.headers(JSON_TYPE).jsonBody(upload(0)))
      .executeTest(async (server) => {
        mock.to(server.url);
        const made = await startUpload({ name: "cut3.mp4", size: UPLOAD_SIZE }, { projectId: PROJECT_ID, title: "Cut 3" });
        expect([made.id, made.offset]).toEqual([UPLOAD_ID, 0]);
      });
  });

  it("asks where an interrupted upload goes on", async () => {
    const { uploadState } = await app.uploads();
    await pact
      .addInteraction()
      .given("an upload has started")
      .uponReceiving("a request for an upload's offset")
      .withRequest("GET", `/api/v1/uploads/${UPLOAD_ID}`, (b) => b.headers(AUTH))
      .willRespondWith(200, (b) => b.headers(JSON_TYPE).jsonBody(upload(0)))
      .executeTest(async (server) => {
        mock.to(server.url);
        const held = await uploadState(UPLOAD_ID);
        expect([held.offset, held.size]).toEqual([0, UPLOAD_SIZE]);
      });
  });

  it("sends a part as raw bytes with its SHA-256", async () => {
    const { sendPart } = await app.uploads();
    await pact
      .addInteraction()
      .given("an upload has started")
      .uponReceiving("a request to send a part of a video file")
      .withRequest("PATCH", `/api/v1/uploads/${UPLOAD_ID}`, (b) =>
        b
          .headers({ ...AUTH, "Content-Type": "application/octet-stream" })
          .query({ offset: "0", sha256: PART_SHA256 })
          .body("application/octet-stream", Buffer.from(PART)),
      )
      .willRespondWith(200, (b) => b.headers(JSON_TYPE).jsonBody(upload(UPLOAD_SIZE)))
      .executeTest(async (server) => {
        mock.to(server.url);
        // The bytes in an ArrayBuffer of Node's own realm: under jsdom, Node's SubtleCrypto
        // (which hashes the part) refuses jsdom's (a browser has one realm).
        const part = Buffer.alloc(UPLOAD_SIZE);
        part.set(PART);
        const held = await sendPart(UPLOAD_ID, 0, part.buffer as ArrayBuffer);
        expect(held.offset).toBe(UPLOAD_SIZE);
      });
  });

  it("completes an upload that holds every byte", async () => {
    const { completeUpload } = await app.uploads();
    await pact
      .addInteraction()
      .given("an upload has every byte")
      .uponReceiving("a request to finish uploading a video file")
      .withRequest("POST", `/api/v1/uploads/${UPLOAD_ID}/complete`, (b) => b.headers(AUTH))
      .willRespondWith(201, (b) =>
        b.headers(JSON_TYPE).jsonBody({
          id: uuid(UPLOADED_VIDEO_ID),
          project_id: uuid(PROJECT_ID),
          title: like("Cut 3"),
          url: regex(HTTP_URL, "https://example.com/media/s/x/original.mp4"),
          duration: like(0.5),
          status: "processing",
          playback_url: null,
          fps: regex(FPS, "24000/1001"),
          frame_count: integer(12),
          width: integer(64),
          height: integer(48),
          stack_id: uuid(UPLOADED_VIDEO_ID),
          version: integer(1),
          created_at: when(),
        }),
      )
      .executeTest(async (server) => {
        mock.to(server.url);
        const video = await completeUpload(UPLOAD_ID);
        expect([video.id, video.status]).toEqual([UPLOADED_VIDEO_ID, "processing"]);
      });
  });

  it("lists a video's versions", async () => {
    const { useVersions } = await app.videos();
    await pact
      .addInteraction()
      .given("video has versions")
      .uponReceiving("a request for a video's versions")
      .withRequest("GET", `/api/v1/videos/${VIDEO_ID}/versions`, (b) => b.headers(AUTH))
      .willRespondWith(200, (b) =>
        b.headers(JSON_TYPE).jsonBody([video(), { ...video(VIDEO_V2_ID), title: like("Pact Test Video, cut 2"), version: integer(2) }]),
      )
      .executeTest(async (server) => {
        mock.to(server.url);
        const { data } = await runQuery(() => useVersions(VIDEO_ID));
        expect(data?.map((v) => [v.id, v.version])).toEqual([
          [VIDEO_ID, 1],
          [VIDEO_V2_ID, 2],
        ]);
      });
  });
});

afterAll(() => {
  if (dir === COMMITTED) return; // regenerating the committed pacts (make web-pacts)
  const { written, committed } = writtenAndCommitted(dir, HTTP_PACT_FILE);
  // The committed pact is exactly what these tests write: run `make web-pacts` and commit.
  expect(written).toEqual(committed);
});
