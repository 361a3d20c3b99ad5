import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from "react";

import { ApiError } from "@/shared/lib/api/api-client";
import { ErrorSummary, FieldErrors } from "@/shared/ui/errors";

import { useAddComment, useComments, useReaction, type Comment } from "../api/comments";
import { insertMention, mentionedIds, mentionQuery, suggestions, type Person } from "../lib/mentions";

const QUICK_EMOJI = ["👍", "❤️", "🎉", "👀", "✅"];

function CommentComposer({
  feedbackId,
  parentId,
  people,
  label,
  canWrite,
  onDone,
}: {
  feedbackId: string;
  parentId: string | null;
  people: Person[];
  label: string;
  canWrite: boolean;
  onDone?: () => void;
}) {
  const [text, setText] = useState("");
  const [menu, setMenu] = useState<{ start: number; caret: number; options: Person[]; active: number } | null>(null);
  const area = useRef<HTMLTextAreaElement | null>(null);
  const add = useAddComment(feedbackId);
  const id = useId();
  const error = add.error instanceof ApiError ? add.error : null;

  if (!canWrite) return null;

  function update(value: string, caret: number) {
    setText(value);
    const query = mentionQuery(value, caret);
    const options = query ? suggestions(people, query.query) : [];
    setMenu(query && options.length ? { start: query.start, caret, options, active: 0 } : null);
  }

  function choose(person: Person) {
    if (!menu) return;
    const next = insertMention(text, menu.start, menu.caret, person);
    setText(next.text);
    setMenu(null);
    requestAnimationFrame(() => area.current?.setSelectionRange(next.caret, next.caret));
  }

  function onKey(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (!menu) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setMenu({ ...menu, active: (menu.active + step + menu.options.length) % menu.options.length });
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      choose(menu.options[menu.active]!);
    } else if (event.key === "Escape") {
      setMenu(null);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    add.mutate(
      { content: text, parent_id: parentId, mentions: mentionedIds(text, people) },
      {
        onSuccess: () => {
          setText("");
          onDone?.();
        },
      },
    );
  }

  const listId = `${id}-mentions`;
  return (
    <form className="comment-composer" onSubmit={submit}>
      <label className="field">
        <span className="visually-hidden">{label}</span>
        <textarea
          ref={area}
          value={text}
          rows={2}
          placeholder={parentId ? "Reply… (@ to mention)" : "Comment… (@ to mention)"}
          onChange={(e) => update(e.target.value, e.target.selectionStart)}
          onKeyDown={onKey}
          aria-label={label}
          role="combobox"
          aria-expanded={Boolean(menu)}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={menu ? `${listId}-${menu.active}` : undefined}
          aria-describedby={`${id}-errors`}
        />
      </label>
      {menu ? (
        <ul id={listId} role="listbox" className="mention-menu" aria-label="Members">
          {menu.options.map((person, index) => (
            <li
              key={person.id}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === menu.active}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(person);
              }}
            >
              {person.name}
            </li>
          ))}
        </ul>
      ) : null}
      <FieldErrors id={`${id}-errors`} messages={error?.forField("content").concat(error.forField("mentions"))} />
      {add.error && !error?.forField("content").length ? <ErrorSummary error={add.error} /> : null}
      <button type="submit" disabled={add.isPending || !text.trim()}>
        {parentId ? "Post reply" : "Post comment"}
      </button>
    </form>
  );
}

function Reactions({ comment, me, feedbackId, names }: { comment: Comment; me: string; feedbackId: string; names: Map<string, string> }) {
  const react = useReaction(feedbackId);
  const entries = Object.entries(comment.reactions);
  const shown = [...new Set([...entries.map(([emoji]) => emoji), ...QUICK_EMOJI])];
  return (
    <div className="reactions" role="group" aria-label="Reactions">
      {shown.map((emoji) => {
        const who = comment.reactions[emoji] ?? [];
        const mine = who.includes(me);
        const people = who.map((id) => names.get(id) ?? "someone").join(", ");
        return (
          <button
            key={emoji}
            type="button"
            className={`reaction${mine ? " mine" : ""}${who.length ? "" : " empty"}`}
            aria-pressed={mine}
            aria-label={`${emoji} ${who.length}${people ? `: ${people}` : ""}`}
            title={people || "React"}
            onClick={() => react.mutate({ commentId: comment.id, emoji, add: !mine })}
          >
            {emoji} {who.length || ""}
          </button>
        );
      })}
      {react.error ? <ErrorSummary error={react.error} /> : null}
    </div>
  );
}

/** A feedback's comments: top-level ones with their replies under them, @mentions, reactions. */
export function CommentThread({ feedbackId, people, me, canWrite }: { feedbackId: string; people: Person[]; me: string; canWrite: boolean }) {
  const comments = useComments(feedbackId);
  const [replyTo, setReplyTo] = useState<string | null>(null);
  const names = new Map(people.map((p) => [p.id, p.name]));
  if (comments.isPending) return <p className="muted">Loading comments…</p>;
  if (comments.error) return <ErrorSummary error={comments.error} />;
  const top = comments.data.filter((c) => !c.parent_id);
  const replies = (id: string) => comments.data.filter((c) => c.parent_id === id);
  const render = (comment: Comment) => (
    <article className="comment" aria-label={`Comment by ${comment.user.name}`}>
      <header>
        <strong>{comment.user.name}</strong> <time dateTime={comment.created_at}>{new Date(comment.created_at).toLocaleString()}</time>
      </header>
      <p>{comment.content}</p>
      <Reactions comment={comment} me={me} feedbackId={feedbackId} names={names} />
    </article>
  );
  return (
    <section className="comments" aria-label="Comments">
      <ol>
        {top.map((comment) => (
          <li key={comment.id}>
            {render(comment)}
            <ol className="replies">
              {replies(comment.id).map((reply) => (
                <li key={reply.id}>{render(reply)}</li>
              ))}
            </ol>
            {canWrite ? (
              replyTo === comment.id ? (
                <CommentComposer feedbackId={feedbackId} parentId={comment.id} people={people} label={`Reply to ${comment.user.name}`} canWrite onDone={() => setReplyTo(null)} />
              ) : (
                <button type="button" onClick={() => setReplyTo(comment.id)}>
                  Reply
                </button>
              )
            ) : null}
          </li>
        ))}
      </ol>
      <CommentComposer feedbackId={feedbackId} parentId={null} people={people} label="Comment" canWrite={canWrite} />
    </section>
  );
}
