export interface Present {
  user_id: string;
  name: string;
  joined_at: string;
}

const initials = (name: string) =>
  name
    .split(/\s+/)
    .map((w) => w[0] ?? "")
    .join("")
    .slice(0, 2)
    .toUpperCase();

/** Who is in the room now. */
export function PresenceAvatars({ people, status }: { people: Present[]; status: string }) {
  return (
    <div className="presence" aria-label="In this room">
      <ul aria-label={`${people.length} here`}>
        {people.map((person) => (
          <li key={person.user_id} className="avatar" title={person.name} aria-label={person.name}>
            {initials(person.name)}
          </li>
        ))}
      </ul>
      <span className={`live-status live-${status}`} role="status">
        {status === "open" ? "Live" : status === "closed" ? "Offline" : "Connecting…"}
      </span>
    </div>
  );
}
