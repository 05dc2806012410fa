import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterAll, afterEach, vi } from "vitest";

// jsdom lacks these; telegram-ui and the theme code ask for them.
if (!window.matchMedia) {
  Object.defineProperty(window, "matchMedia", {
    writable: true,
    value: vi.fn((query: string) => ({
      matches: false,
      media: query,
      onchange: null,
      addEventListener: vi.fn(),
      removeEventListener: vi.fn(),
      addListener: vi.fn(),
      removeListener: vi.fn(),
      dispatchEvent: vi.fn(),
    })),
  });
}

afterEach(() => {
  cleanup();
  window.localStorage.clear();
  window.sessionStorage.clear();
  delete window.Telegram;
  window.location.hash = "";
});

// telegram-ui's ripple effect sets a 70 ms timer on pointerdown that is never cleared on unmount;
// let it fire while the DOM still exists.
afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 100));
});
