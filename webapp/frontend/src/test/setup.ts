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

// telegram-ui's ripple effect sets a 70 ms timer on pointerdown that is never cleared on unmount, and that
// timer sets another of 225 ms; on a busy machine they can outlive the file's last test and fire after
// jsdom is torn down (React then reads `window` and the run fails). Every timer is counted, and the file
// ends only when the ones still pending have fired (at most TIMER_DRAIN_MS, then they are cleared).
const TIMER_DRAIN_MS = 3000;
const pendingTimers = new Set<ReturnType<typeof setTimeout>>();
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

function trackedSetTimeout(handler: TimerHandler, timeout?: number, ...args: unknown[]) {
  const timer = realSetTimeout(() => {
    pendingTimers.delete(timer);
    if (typeof handler === "function") handler(...args);
  }, timeout);
  pendingTimers.add(timer);
  return timer;
}

function trackedClearTimeout(timer?: ReturnType<typeof setTimeout>) {
  if (timer !== undefined) pendingTimers.delete(timer);
  realClearTimeout(timer);
}

for (const scope of new Set<typeof globalThis>([globalThis, window as unknown as typeof globalThis])) {
  scope.setTimeout = trackedSetTimeout as unknown as typeof setTimeout;
  scope.clearTimeout = trackedClearTimeout as typeof clearTimeout;
}

afterAll(async () => {
  const deadline = Date.now() + TIMER_DRAIN_MS;
  while (pendingTimers.size > 0 && Date.now() < deadline) {
    await new Promise((resolve) => realSetTimeout(resolve, 20));
  }
  for (const timer of pendingTimers) realClearTimeout(timer);
  pendingTimers.clear();
});
