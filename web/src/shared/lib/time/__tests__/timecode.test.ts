import { frameToSeconds, frameToTimecode, parseRate, secondsToFrame, type Rate } from "../timecode";

const rate = (text: string) => parseRate(text) as Rate;

describe("timecode", () => {
  it.each([
    ["24000/1001", 0, "00:00:00:00"],
    ["24000/1001", 24, "00:00:01:00"],
    ["24", 86399, "00:59:59:23"],
    ["25", 90000, "01:00:00:00"],
    ["30", 1800, "00:01:00:00"],
    ["50", 3049, "00:01:00:49"],
    ["60", 216000, "01:00:00:00"],
    // drop-frame: two labels skipped each minute but every tenth
    ["30000/1001", 1799, "00:00:59;29"],
    ["30000/1001", 1800, "00:01:00;02"],
    ["30000/1001", 17981, "00:09:59;29"],
    ["30000/1001", 17982, "00:10:00;00"],
    ["30000/1001", 107892, "01:00:00;00"],
    ["60000/1001", 3599, "00:00:59;59"],
    ["60000/1001", 3600, "00:01:00;04"],
    ["60000/1001", 35964, "00:10:00;00"],
  ])("at %s fps frame %i is %s", (text, frame, label) => {
    expect(frameToTimecode(frame, rate(text))).toBe(label);
  });

  it.each(["24000/1001", "24", "25", "30000/1001", "30", "50", "60000/1001", "60"])(
    "round-trips seconds → frame → seconds without drift at %s",
    (text) => {
      const r = rate(text);
      for (let frame = 0; frame < 200_000; frame += 997) {
        expect(secondsToFrame(frameToSeconds(frame, r), r)).toBe(frame);
      }
    },
  );

  it("shows the frame that started last, and reads unknown rates as unknown", () => {
    expect(secondsToFrame(30.5, rate("24"))).toBe(732);
    expect(secondsToFrame(1 / 24 - 1e-3, rate("24"))).toBe(0);
    expect(parseRate("")).toBeNull();
    expect(parseRate("0")).toBeNull();
    expect(parseRate("23.976")).toBeNull();
  });
});
