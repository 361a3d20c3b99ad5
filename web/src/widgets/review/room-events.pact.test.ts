/**
 * The web app's message contract with VideoPlanet-Backend-Realtime: every room event the
 * review room handles (use-room.ts), each read by the app's own WebSocketContract.parseIncoming
 * exactly as a socket frame. The descriptions name the provider's message producers
 * (videoplanet/contracts/messages.py).
 */
import { MatchersV3 } from "@pact-foundation/pact";

import type { RoomMessage } from "@/generated/events";
import {
  COMMENT_ID,
  COMMITTED,
  FEEDBACK_ID,
  JANE_ID,
  JOHN_ID,
  MESSAGE_PACT_FILE,
  PARENT_COMMENT_ID,
  PRIORITY,
  PROJECT_ID,
  PROVIDER_REALTIME,
  STATUS,
  TIMECODE,
  UPLOADED_VIDEO_ID,
  VIDEO_ID,
  VIDEO_STATUS,
  VIDEO_V2_ID,
  newPact,
  outputDir,
  userRef,
  when,
  writtenAndCommitted,
} from "@/shared/lib/pact/harness";
import { WebSocketContract } from "@/shared/lib/realtime/websocket-contract";

const { like, eachLike, regex, uuid, integer } = MatchersV3;

const dir = outputDir();
const pact = newPact(PROVIDER_REALTIME, dir);

/** Every room event type the review room reacts to, with the message it relies on. */
const ROOM_EVENTS: { description: string; type: RoomMessage["type"]; payload: Record<string, unknown> }[] = [
  {
    description: "a feedback.created event",
    type: "feedback.created",
    payload: {
      id: uuid(FEEDBACK_ID),
      video_id: uuid(VIDEO_ID),
      timestamp: like(30.5),
      frame: integer(732),
      timecode: regex(TIMECODE, "00:00:30:12"),
      content: like("Sample feedback"),
      user: userRef(),
      created_at: when(),
    },
  },
  {
    description: "a feedback.updated event",
    type: "feedback.updated",
    payload: {
      id: uuid(FEEDBACK_ID),
      video_id: uuid(VIDEO_ID),
      changed: eachLike("status"),
      content: like("Sample feedback"),
      priority: regex(PRIORITY, "medium"),
      status: regex(STATUS, "resolved"),
      updated_by: userRef(),
      updated_at: when(),
    },
  },
  {
    description: "a feedback.deleted event",
    type: "feedback.deleted",
    payload: { id: uuid(FEEDBACK_ID), video_id: uuid(VIDEO_ID), deleted_by: userRef(), deleted_at: when() },
  },
  {
    description: "a comment.added event for a reply",
    type: "comment.added",
    payload: {
      id: uuid(COMMENT_ID),
      feedback_id: uuid(FEEDBACK_ID),
      parent_id: uuid(PARENT_COMMENT_ID),
      content: like("This is a reply"),
      mentions: eachLike(uuid(JANE_ID)),
      user: userRef(),
      created_at: when(),
    },
  },
  {
    description: "a reaction.updated event",
    type: "reaction.updated",
    payload: {
      comment_id: uuid(COMMENT_ID),
      feedback_id: uuid(FEEDBACK_ID),
      reactions: like({ "👍": [JOHN_ID] }),
      user: userRef(),
    },
  },
  {
    description: "a presence.snapshot message",
    type: "presence.snapshot",
    payload: { users: eachLike({ user_id: uuid(JOHN_ID), name: like("John Doe"), joined_at: when() }) },
  },
  {
    description: "a user.joined event",
    type: "user.joined",
    payload: { user_id: uuid(JOHN_ID), name: like("John Doe"), joined_at: when() },
  },
  {
    description: "a user.left event",
    type: "user.left",
    payload: { user_id: uuid(JOHN_ID), left_at: when() },
  },
  {
    description: "a video.updated event for a processed video",
    type: "video.updated",
    payload: { id: uuid(UPLOADED_VIDEO_ID), project_id: uuid(PROJECT_ID), status: regex(VIDEO_STATUS, "ready") },
  },
  {
    description: "a video.version_added event",
    type: "video.version_added",
    payload: { video_id: uuid(VIDEO_V2_ID), stack_id: uuid(VIDEO_ID), version: integer(2), title: like("Pact Test Video, cut 2") },
  },
];

describe("the room events the web app handles", () => {
  for (const event of ROOM_EVENTS) {
    it(`parses ${event.description}`, async () => {
      const contract = new WebSocketContract();
      await pact
        .addAsynchronousInteraction()
        .expectsToReceive(event.description, (b) => b.withJSONContent({ type: event.type, payload: event.payload }))
        .executeTest(async (message) => {
          const frame = JSON.stringify(message.contents.content ?? message.contents);
          const parsed = contract.parseIncoming(frame);
          expect(parsed.errors ?? []).toEqual([]);
          expect(parsed.success && parsed.data?.type).toBe(event.type);
        });
    });
  }
});

afterAll(() => {
  if (dir === COMMITTED) return; // regenerating the committed pacts (make web-pacts)
  const { written, committed } = writtenAndCommitted(dir, MESSAGE_PACT_FILE);
  expect(written).toEqual(committed);
});
