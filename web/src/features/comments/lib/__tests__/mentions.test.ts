import { insertMention, mentionedIds, mentionQuery, suggestions } from "../mentions";

const people = [
  { id: "1", name: "Ann Lee" },
  { id: "2", name: "Bob Stone" },
  { id: "3", name: "Annika" },
];

describe("mentions", () => {
  it("finds the name being typed after @", () => {
    expect(mentionQuery("Looks good @An", 14)).toEqual({ start: 11, query: "An" });
    expect(mentionQuery("mail me at ann@example.com", 26)).toBeNull();
    expect(mentionQuery("@", 1)).toEqual({ start: 0, query: "" });
  });

  it("suggests members by any word of their name", () => {
    expect(suggestions(people, "an").map((p) => p.id)).toEqual(["1", "3"]);
    expect(suggestions(people, "sto").map((p) => p.id)).toEqual(["2"]);
  });

  it("inserts the chosen name and reads back who is mentioned", () => {
    const { text, caret } = insertMention("Looks good @An", 11, 14, people[0]!);
    expect(text).toBe("Looks good @Ann Lee ");
    expect(caret).toBe(20);
    expect(mentionedIds(`${text}and @Bob Stone`, people)).toEqual(["1", "2"]);
  });
});
