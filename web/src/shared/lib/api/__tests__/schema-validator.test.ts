import { SchemaValidator } from "../schema-validator";

const VIDEO = "550e8400-e29b-41d4-a716-446655440001";
const seedRequest = () => ({
  video_id: VIDEO,
  timestamp: 30.5,
  content: "Button alignment issue",
  screenshot: "data:image/webp;base64,UklGRg==",
  drawing_data: {
    shapes: [{ type: "rectangle", coordinates: [100, 100, 200, 200], style: { color: "#FF0000", width: 2 } }],
  },
  priority: "medium",
});

describe("SchemaValidator", () => {
  const validator = new SchemaValidator();

  it("accepts the seed's create-feedback request", () => {
    expect(validator.validateRequest("/api/v1/feedbacks", "POST", seedRequest())).toMatchObject({ valid: true, errors: [] });
  });

  it("names the field that breaks the contract, without echoing its value", () => {
    const request = seedRequest();
    request.drawing_data.shapes[0]!.style.color = "crimson";
    const result = validator.validateRequest("/api/v1/feedbacks", "POST", request);
    expect(result.valid).toBe(false);
    expect(result.problems.map((p) => p.field)).toContain("drawing_data.shapes.0.style.color");
    expect(result.errors.join(" ")).not.toContain("crimson");
  });

  it("reports missing and undocumented fields by name", () => {
    const { content: _content, ...rest } = seedRequest();
    const result = validator.validateRequest("/api/v1/feedbacks", "POST", { ...rest, colour: "blue" });
    expect(result.problems).toEqual(
      expect.arrayContaining([
        { location: "body", field: "content", message: "required" },
        { location: "body", field: "colour", message: "not a documented field" },
      ]),
    );
  });

  it("checks query parameters as their schema types them", () => {
    const ok = validator.validateRequest("/api/v1/feedbacks", "GET", undefined, new URLSearchParams({ video_id: VIDEO, limit: "50" }));
    expect(ok.valid).toBe(true);
    const bad = validator.validateRequest("/api/v1/feedbacks", "GET", undefined, new URLSearchParams({ video_id: VIDEO, limit: "fifty" }));
    expect(bad.problems).toEqual([{ location: "query", field: "limit", message: "expected integer" }]);
    const missing = validator.validateRequest("/api/v1/feedbacks", "GET", undefined, new URLSearchParams());
    expect(missing.problems).toEqual([{ location: "query", field: "video_id", message: "required" }]);
  });

  it("knows which operations exist", () => {
    expect(validator.operation(`/api/v1/feedbacks/${VIDEO}`, "PATCH")?.template).toBe("/api/v1/feedbacks/{feedback_id}");
    expect(validator.operation("/api/v1/nothing-here", "GET")).toBeNull();
    expect(validator.validateRequest("/api/v1/nothing-here", "GET").summary).toBe("No operation for path /api/v1/nothing-here");
  });

  it("checks responses by status", () => {
    const error = { code: "not_found", message: "Not found.", details: {} };
    expect(validator.validateResponse(`/api/v1/feedbacks/${VIDEO}`, "GET", 404, error).valid).toBe(true);
    expect(validator.validateResponse(`/api/v1/feedbacks/${VIDEO}`, "GET", 404, { code: 3 }).valid).toBe(false);
    expect(validator.validateResponse(`/api/v1/feedbacks/${VIDEO}`, "GET", 418, error).summary).toMatch(/No schema for GET/);
  });
});
