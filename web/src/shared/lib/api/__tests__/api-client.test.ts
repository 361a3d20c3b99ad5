const USER = { id: "550e8400-e29b-41d4-a716-446655440000", name: "Ada", email: "ada@example.com" };
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

describe("api", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it("sends a JSON body that the contract check sees (no 'needs a request body' violation)", async () => {
    const bodies: unknown[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        const request = input instanceof Request ? input : new Request(String(input), init);
        bodies.push(await request.json());
        return json({ token: "vp_x", user: USER });
      }),
    );
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { api, unwrap } = await import("../api-client");
    const { monitor } = await import("../../monitoring/monitor");

    const made = await unwrap(api.POST("/api/v1/auth/token", { body: { email: USER.email, password: "a-long-passphrase-1" } }));

    expect(made.token).toBe("vp_x");
    expect(bodies).toEqual([{ email: USER.email, password: "a-long-passphrase-1" }]);
    expect(monitor.snapshot().violations).toEqual([]);
    expect(warn).not.toHaveBeenCalled();
  });
});
