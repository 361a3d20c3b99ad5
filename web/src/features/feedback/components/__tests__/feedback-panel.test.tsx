// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactNode } from "react";

import type { Feedback } from "../../api/feedback";
import { FeedbackPanel, PANEL_PAGE } from "../feedback-panel";

const feedback = (i: number): Feedback =>
  ({
    id: `f${i}`,
    video_id: "v",
    timestamp: i,
    timestamp_end: null,
    content: `Note ${i}`,
    screenshot_url: null,
    drawing_data: null,
    priority: i % 2 ? "high" : "low",
    status: "open",
    user: { id: "u", name: "Ann", email: "a@example.com" },
    created_at: "2026-11-29T10:00:00Z",
    updated_at: "2026-11-29T10:00:00Z",
  }) as Feedback;

const many = Array.from({ length: 500 }, (_, i) => feedback(i));

function panel(selectedId: string | null): ReactNode {
  // queries stay idle: an open entry's comment thread is not what is tested here
  const client = new QueryClient({ defaultOptions: { queries: { enabled: false } } });
  return (
    <QueryClientProvider client={client}>
      <FeedbackPanel videoId="v" feedbacks={many} rate={null} selectedId={selectedId} onSelect={() => undefined} me="u" role="viewer" people={[]} />
    </QueryClientProvider>
  );
}

const entries = () => within(screen.getByRole("complementary", { name: "Feedback" })).getAllByRole("listitem");

describe("FeedbackPanel with hundreds of feedbacks", () => {
  it("shows a page of entries first and the next page on request", async () => {
    render(panel(null));
    expect(entries()).toHaveLength(PANEL_PAGE);
    expect(screen.getByText("Note 0")).toBeTruthy();
    expect(screen.queryByText(`Note ${PANEL_PAGE}`)).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: `Show more (${500 - PANEL_PAGE} left)` }));
    expect(entries()).toHaveLength(2 * PANEL_PAGE);
    expect(screen.getByText(`Note ${PANEL_PAGE}`)).toBeTruthy();
  });

  it("always shows the selected entry, however far down the list it is", () => {
    render(panel("f321"));
    const open = screen.getByRole("button", { name: "5:21", expanded: true });
    expect(open.closest("li")?.textContent).toContain("Note 321");
    expect(entries().length).toBeLessThan(500);
  });

  it("pages what the filters keep", async () => {
    render(panel(null));
    await userEvent.selectOptions(screen.getAllByRole("combobox", { name: "Priority" })[0]!, "high");
    expect(entries()).toHaveLength(PANEL_PAGE);
    expect(entries().every((item) => item.className.includes("priority-high"))).toBe(true);
    expect(screen.getByRole("button", { name: `Show more (${250 - PANEL_PAGE} left)` })).toBeTruthy();
  });
});
