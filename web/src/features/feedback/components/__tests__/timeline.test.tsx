// @vitest-environment jsdom
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { parseRate } from "@/shared/lib/time/timecode";

import type { Feedback } from "../../api/feedback";
import { Timeline } from "../timeline";

const feedback = (id: string, timestamp: number, content: string, extra: Partial<Feedback> = {}) =>
  ({
    id,
    video_id: "v",
    timestamp,
    timestamp_end: null,
    content,
    screenshot_url: null,
    drawing_data: null,
    priority: "high",
    status: "open",
    user: { id: "u", name: "Ann", email: "a@example.com" },
    created_at: "2026-11-29T10:00:00Z",
    updated_at: "2026-11-29T10:00:00Z",
    ...extra,
  }) as Feedback;

describe("Timeline", () => {
  const rate = parseRate("24");
  const items = [
    feedback("a", 30.5, "Button alignment issue on the title card"),
    feedback("b", 90, "Logo too small", { priority: "low", status: "resolved" }),
  ];

  it("names each marker with its timecode and first words, placed along the video", () => {
    render(<Timeline feedbacks={items} duration={120} time={0} rate={rate} selectedId={null} onSelect={() => undefined} onSeek={() => undefined} />);
    const first = screen.getByRole("button", { name: "00:00:30:12 Button alignment issue on the title…" });
    expect(first.closest("li")?.style.left).toBe("25.416666666666664%");
    const second = screen.getByRole("button", { name: "00:01:30:00 Logo too small" });
    expect(second.className).toContain("priority-low");
    expect(second.className).toContain("done");
    expect(first.className).not.toContain("done");
  });

  it("selects a feedback on click", async () => {
    const onSelect = vi.fn();
    render(<Timeline feedbacks={items} duration={120} time={0} rate={rate} selectedId="b" onSelect={onSelect} onSeek={() => undefined} />);
    await userEvent.click(screen.getByRole("button", { name: /Button alignment/ }));
    expect(onSelect).toHaveBeenCalledWith(items[0]);
    expect(screen.getByRole("button", { name: /Logo too small/ }).getAttribute("aria-pressed")).toBe("true");
  });
});
