import { describe, expect, it, vi } from "vitest";

import { ApiError, createApiClient } from "./api";

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function clientWith(fetchImpl: typeof fetch, initData = "user=%7B%7D&hash=abc") {
  return createApiClient({ getInitData: () => initData, fetchImpl });
}

async function caught(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected the request to fail");
}

describe("api client: request", () => {
  it("sends the raw initData as `Authorization: tma <initData>`", async () => {
    const fetchImpl = vi.fn(async () => jsonResponse(200, []));
    await clientWith(fetchImpl, "query_id=1&user=%7B%22id%22%3A1%7D&hash=ff").get("/api/v1/types");
    const [, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect((init.headers as Record<string, string>).Authorization).toBe("tma query_id=1&user=%7B%22id%22%3A1%7D&hash=ff");
  });

  it("sends no Authorization header when there is no initData", async () => {
    const fetchImpl = vi.fn(async () => jsonResponse(200, []));
    await clientWith(fetchImpl, "").get("/api/v1/types");
    const [, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(init.headers).not.toHaveProperty("Authorization");
  });

  it("encodes query parameters and skips empty ones", async () => {
    const fetchImpl = vi.fn(async () => jsonResponse(200, []));
    const api = clientWith(fetchImpl);
    await api.get("/api/v1/types", { query: { q: "space marines & co" } });
    await api.get("/api/v1/types", { query: { q: "" } });
    expect(fetchImpl.mock.calls.map((c) => (c as unknown as [string])[0])).toEqual([
      "/api/v1/types?q=space+marines+%26+co",
      "/api/v1/types",
    ]);
  });

  it("posts JSON and returns the parsed body", async () => {
    const fetchImpl = vi.fn(async () => jsonResponse(201, { id: 7, name: "Orks" }));
    const result = await clientWith(fetchImpl).post("/api/v1/types", { name: "Orks", quantity: 3 });
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/v1/types");
    expect(init.method).toBe("POST");
    expect((init.headers as Record<string, string>)["Content-Type"]).toBe("application/json");
    expect(JSON.parse(String(init.body))).toEqual({ name: "Orks", quantity: 3 });
    expect(result).toEqual({ id: 7, name: "Orks" });
  });
});

describe("api client: errors", () => {
  it.each([
    [400, "ERR_INSUFFICIENT_QTY"],
    [400, "ERR_INVALID_STAGE_TRANSITION"],
    [409, "ERR_DUPLICATE_NAME"],
    [404, "ERR_NOT_FOUND"],
    [401, "ERR_UNAUTHORIZED"],
    [400, "ERR_IMPORT_INVALID"],
  ])("maps HTTP %i {code: %s} to an ApiError with that code", async (status, code) => {
    const fetchImpl = vi.fn(async () => jsonResponse(status, { code, message: "text from server" }));
    const error = await caught(clientWith(fetchImpl).get("/x"));
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.message).toBe("text from server");
  });

  it("keeps the details of a 422 validation error", async () => {
    const details = [{ loc: ["body", "qty"], msg: "field required" }];
    const fetchImpl = vi.fn(async () => jsonResponse(422, { code: "ERR_VALIDATION", message: "bad", details }));
    const error = await caught(clientWith(fetchImpl).post("/x", {}));
    expect(error.code).toBe("ERR_VALIDATION");
    expect(error.details).toEqual(details);
  });

  it("reads a code nested in FastAPI's `detail`", async () => {
    const fetchImpl = vi.fn(async () => jsonResponse(400, { detail: { code: "ERR_INVALID_QTY", message: "m" } }));
    expect((await caught(clientWith(fetchImpl).get("/x"))).code).toBe("ERR_INVALID_QTY");
  });

  it.each([
    [401, "ERR_UNAUTHORIZED"],
    [404, "ERR_NOT_FOUND"],
    [422, "ERR_VALIDATION"],
    [502, "ERR_SERVER"],
    [418, "ERR_UNKNOWN"],
  ])("falls back on the status when HTTP %i has no code", async (status, code) => {
    const fetchImpl = vi.fn(async () => new Response("<html>oops</html>", { status }));
    expect((await caught(clientWith(fetchImpl).get("/x"))).code).toBe(code);
  });

  it("turns a network failure into ERR_NETWORK", async () => {
    const fetchImpl = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    });
    const error = await caught(clientWith(fetchImpl).get("/x"));
    expect(error.code).toBe("ERR_NETWORK");
    expect(error.status).toBe(0);
  });

  it("turns an unreadable success body into ERR_SERVER", async () => {
    const fetchImpl = vi.fn(async () => new Response("not json", { status: 200 }));
    expect((await caught(clientWith(fetchImpl).get("/x"))).code).toBe("ERR_SERVER");
  });

  it("lets an abort through untouched", async () => {
    const fetchImpl = vi.fn(async () => {
      throw new DOMException("aborted", "AbortError");
    });
    await expect(clientWith(fetchImpl).get("/x")).rejects.toMatchObject({ name: "AbortError" });
  });
});
