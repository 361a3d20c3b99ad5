import { shapeFrom, toVideoPoint } from "../shapes";

const style = { color: "#FF0000", width: 3 };

describe("shapes in the video's pixels", () => {
  it("maps a point on the shown player to the same video pixel at any display size", () => {
    const video = { width: 1920, height: 1080 };
    const small = toVideoPoint(160 + 100, 90 + 50, { left: 100, top: 50, width: 320, height: 180 }, video);
    const large = toVideoPoint(960 + 10, 540 + 20, { left: 10, top: 20, width: 1920, height: 1080 }, video);
    expect(small).toEqual({ x: 960, y: 540 });
    expect(large).toEqual({ x: 960, y: 540 });
  });

  it("keeps points inside the frame", () => {
    expect(toVideoPoint(-50, 9999, { left: 0, top: 0, width: 640, height: 360 }, { width: 1280, height: 720 })).toEqual({ x: 0, y: 720 });
  });

  it("turns a drag into the API's shapes", () => {
    const drag = [{ x: 100, y: 100 }, { x: 150, y: 160 }, { x: 200, y: 200 }];
    expect(shapeFrom("rectangle", drag, style)).toEqual({ type: "rectangle", coordinates: [100, 100, 200, 200], style });
    expect(shapeFrom("arrow", drag, style)?.coordinates).toEqual([100, 100, 200, 200]);
    expect(shapeFrom("freehand", drag, style)?.coordinates).toEqual([100, 100, 150, 160, 200, 200]);
    expect(shapeFrom("text", drag.slice(0, 1), style, "  logo  ")).toEqual({ type: "text", coordinates: [100, 100], style, text: "logo" });
  });

  it("draws nothing for a click or empty text", () => {
    expect(shapeFrom("rectangle", [{ x: 5, y: 5 }], style)).toBeNull();
    expect(shapeFrom("text", [{ x: 5, y: 5 }], style, " ")).toBeNull();
  });
});
