// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router";

import { FeedbackComposer } from "@/features/feedback/components/feedback-composer";
import { ApiError } from "@/shared/lib/api/api-client";
import { ContractViolationError } from "@/shared/lib/api/contract-middleware";
import { committedValidator } from "@/shared/lib/api/schema-validator";

const VIDEO = "550e8400-e29b-41d4-a716-446655440000";
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

/** The text of what the control's aria-describedby points at: its message, beside it. */
function besides(control: HTMLElement): string {
  const id = control.getAttribute("aria-describedby");
  expect(id).toBeTruthy();
  return document.getElementById(id!)?.textContent ?? "";
}

function wrap(children: ReactNode) {
  const client = new QueryClient({ defaultOptions: { mutations: { retry: false } } });
  return (
    <QueryClientProvider client={client}>
      <MemoryRouter>{children}</MemoryRouter>
    </QueryClientProvider>
  );
}

/** The page on a fresh module graph: the API client reads the contract mode as it loads. */
async function signUpPage() {
  vi.resetModules();
  const { SignUpPage } = await import("@/pages/sign-up-page");
  render(wrap(<SignUpPage />));
}

async function fillSignUp(name: string, email: string, password: string) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText("Name"), name);
  await user.type(screen.getByLabelText("Email"), email);
  await user.type(screen.getByLabelText("Password"), password);
  await user.click(screen.getByRole("button", { name: "Sign up" }));
}

describe("sign-up form: errors beside the field that caused them", () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it("shows the request validator's problems beside each field and sends nothing", async () => {
    vi.stubEnv("VITE_CONTRACT_VALIDATION", "enforce");
    const fetch = vi.fn(async () => json({}, 202));
    vi.stubGlobal("fetch", fetch);
    await signUpPage();

    await fillSignUp("   ", "not-an-email", "short");

    expect(await screen.findByText("Must be a valid email.")).toBeTruthy();
    expect(besides(screen.getByLabelText("Email"))).toBe("Must be a valid email.");
    expect(besides(screen.getByLabelText("Name"))).toBe("Must not be blank or contain control characters.");
    expect(besides(screen.getByLabelText("Password"))).toBe("Must not have fewer than 8 characters.");
    expect(screen.queryByText(/breaks the API contract/)).toBeNull(); // no summary: every field explains itself
    expect(fetch).not.toHaveBeenCalled();
  });

  it("shows the server's 400 details beside the field, not in a summary", async () => {
    vi.stubEnv("VITE_CONTRACT_VALIDATION", "enforce");
    vi.stubGlobal(
      "fetch",
      vi.fn(async () =>
        json(
          {
            code: "validation_error",
            message: "The request is not valid.",
            details: { password: ["This password is too common."] },
          },
          400,
        ),
      ),
    );
    await signUpPage();

    await fillSignUp("Ada", "ada@example.com", "password123");

    expect(await screen.findByText("This password is too common.")).toBeTruthy();
    expect(besides(screen.getByLabelText("Password"))).toBe("This password is too common.");
    expect(besides(screen.getByLabelText("Email"))).toBe("");
    expect(screen.queryByText("The request is not valid.")).toBeNull();
  });

  it("still says what went wrong when no field explains it", async () => {
    vi.stubEnv("VITE_CONTRACT_VALIDATION", "enforce");
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => json({ code: "throttled", message: "Too many sign-ups; try again in a minute.", details: {} }, 429)),
    );
    await signUpPage();

    await fillSignUp("Ada", "ada@example.com", "a-long-passphrase-1");

    expect((await screen.findByRole("alert")).textContent).toBe("Too many sign-ups; try again in a minute.");
  });
});

describe("feedback form: errors beside the field that caused them", () => {
  afterEach(cleanup);

  const draft = { tool: "rectangle" as const, color: "#FF0000", width: 4, shapes: [] };
  const composer = (error: unknown) =>
    render(
      <FeedbackComposer moment="00:00:01:00" draft={draft} onDraft={() => undefined} onPost={() => undefined} onCancel={() => undefined} pending={false} error={error} />,
    );

  it("places the request validator's problem with the text beside the text", () => {
    const body = { video_id: VIDEO, timestamp: 1, content: "x".repeat(10_001), priority: "medium" };
    const checked = committedValidator().validateRequest("/api/v1/feedbacks", "POST", body, new URLSearchParams());
    expect(checked.valid).toBe(false);
    composer(new ContractViolationError("POST /api/v1/feedbacks", checked));

    expect(besides(screen.getByRole("textbox", { name: "Feedback" }))).toBe("Must not have more than 10000 characters.");
    expect(besides(screen.getByRole("combobox", { name: "Priority" }))).toBe("");
    expect(screen.queryByText(/breaks the API contract/)).toBeNull();
  });

  it("places the server's detail about the drawing beside the drawing tools, the priority's beside the priority", () => {
    composer(
      new ApiError(400, {
        code: "validation_error",
        message: "The request is not valid.",
        details: { "drawing_data.shapes.0.style.color": ["Not a colour: use #RRGGBB."], priority: ["Not one of low, medium, high, critical."] },
      }),
    );

    expect(screen.getByText("Not a colour: use #RRGGBB.")).toBeTruthy();
    expect(besides(screen.getByRole("combobox", { name: "Priority" }))).toBe("Not one of low, medium, high, critical.");
    expect(screen.queryByText("The request is not valid.")).toBeNull();
  });

  it("shows a refusal that names no field (a viewer's 403) as a summary", () => {
    composer(new ApiError(403, { code: "permission_denied", message: "A viewer cannot post feedback.", details: {} }));

    expect(screen.getByRole("alert").textContent).toBe("A viewer cannot post feedback.");
  });
});
