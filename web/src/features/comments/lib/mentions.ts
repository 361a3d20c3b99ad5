/** @mentions in a comment: what is being typed, and which members the text names. */

export interface Person {
  id: string;
  name: string;
}

/** The partial name after an `@` at the caret, if the caret is in one. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)@([^\s@]{0,40})$/.exec(before);
  if (!match) return null;
  return { start: caret - match[2]!.length - 1, query: match[2]! };
}

export function suggestions(people: readonly Person[], query: string, limit = 6): Person[] {
  const q = query.toLowerCase();
  return people.filter((p) => p.name.toLowerCase().split(/\s+/).some((w) => w.startsWith(q)) || p.name.toLowerCase().startsWith(q)).slice(0, limit);
}

/** Replace the `@partial` at `start` with the member's name. */
export function insertMention(text: string, start: number, caret: number, person: Person): { text: string; caret: number } {
  const inserted = `@${person.name} `;
  return { text: text.slice(0, start) + inserted + text.slice(caret), caret: start + inserted.length };
}

/** The members whose `@Name` appears in the text. */
export function mentionedIds(text: string, people: readonly Person[]): string[] {
  return people.filter((p) => text.includes(`@${p.name}`)).map((p) => p.id);
}
