/**
 * The live feed of entries saved elsewhere (GET /api/v1/entries/stream, server-sent events), read with `fetch` so
 * that it carries the same `Authorization: tma …` header as every request (EventSource cannot send headers).
 * It reconnects after the server closes the stream or the network drops, resuming after the last entry it got.
 */
import { getInitData } from "../../lib/telegram";
import type { Entry } from "./api";

export interface SseEvent { id?: string; event: string; data: string }

/** Splits a chunk of an event stream into complete events; returns them and the unfinished rest. */
export function parseEvents(buffer: string): { events: SseEvent[]; rest: string } {
  const blocks = buffer.replace(/\r\n/g, "\n").split("\n\n");
  const rest = blocks.pop() ?? "";
  const events: SseEvent[] = [];
  for (const block of blocks) {
    const event: SseEvent = { event: "message", data: "" };
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (!line || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (name === "event") event.event = value;
      else if (name === "data") data.push(value);
      else if (name === "id") event.id = value;
    }
    if (data.length) {
      event.data = data.join("\n");
      events.push(event);
    }
  }
  return { events, rest };
}

export interface StreamOptions {
  /** Called when the server says where the stream starts: what is saved from then on will come. */
  onReady?: () => void;
  fetchImpl?: typeof fetch;
  retryMs?: number;
  initData?: () => string;
}

/** Calls `onEntry` for each entry the user saves from now on; returns the unsubscribe function. */
export function subscribeEntries(onEntry: (entry: Entry) => void, options: StreamOptions = {}): () => void {
  const controller = new AbortController();
  const retryMs = options.retryMs ?? 3000;
  let after: string | undefined;

  async function once(): Promise<void> {
    const headers: Record<string, string> = { Accept: "text/event-stream" };
    const initData = (options.initData ?? getInitData)();
    if (initData) headers.Authorization = `tma ${initData}`;
    const query = after === undefined ? "" : `?after=${encodeURIComponent(after)}`;
    const response = await (options.fetchImpl ?? fetch)(`/api/v1/entries/stream${query}`, {
      headers, signal: controller.signal });
    if (!response.ok || !response.body) throw new Error(`stream: HTTP ${response.status}`);
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      const parsed = parseEvents(buffer);
      buffer = parsed.rest;
      for (const event of parsed.events) {
        if (event.event === "ready") {
          const ready = JSON.parse(event.data) as { after?: number };
          if (after === undefined && ready.after !== undefined) after = String(ready.after);
          options.onReady?.();
        } else if (event.event === "entry") {
          if (event.id) after = event.id;
          onEntry(JSON.parse(event.data) as Entry);
        }
      }
    }
  }

  void (async () => {
    while (!controller.signal.aborted) {
      try {
        await once();
      } catch {
        // a dropped connection or a refused one: try again after a pause
      }
      if (controller.signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  })();
  return () => controller.abort();
}
