/**
 * Fetch wrapper shared by every Mini App.
 *
 * - adds `Authorization: tma <initData>` to each request (when initData is known);
 * - returns parsed JSON on success;
 * - turns every failure into an {@link ApiError} carrying a constant `code` that the UI
 *   translates through the i18n dictionaries (never the server's free-text message).
 */

/** Codes produced on the client when the server gave no usable `code`. */
export const CLIENT_ERROR_CODES = ["ERR_NETWORK", "ERR_SERVER", "ERR_UNKNOWN"] as const;

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;

  constructor(code: string, message: string, status = 0, details: unknown = undefined) {
    super(message || code);
    this.name = "ApiError";
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

export interface ApiClientOptions {
  /** Returns the raw Telegram initData string ("" when unknown). */
  getInitData: () => string;
  /** Prefix for every path; same origin by default. */
  baseUrl?: string;
  /** Injected for tests; defaults to the global fetch at call time. */
  fetchImpl?: typeof fetch;
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  query?: Record<string, string | number | undefined | null>;
  signal?: AbortSignal;
}

export interface ApiClient {
  request<T>(path: string, options?: RequestOptions): Promise<T>;
  get<T>(path: string, options?: Omit<RequestOptions, "method" | "body">): Promise<T>;
  post<T>(path: string, body?: unknown, options?: Omit<RequestOptions, "method" | "body">): Promise<T>;
}

function buildUrl(baseUrl: string, path: string, query: RequestOptions["query"]): string {
  let url = baseUrl + path;
  if (query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
    }
    const qs = params.toString();
    if (qs) url += (url.includes("?") ? "&" : "?") + qs;
  }
  return url;
}

function fallbackCode(status: number): string {
  if (status === 401) return "ERR_UNAUTHORIZED";
  if (status === 404) return "ERR_NOT_FOUND";
  if (status === 422) return "ERR_VALIDATION";
  if (status >= 500) return "ERR_SERVER";
  return "ERR_UNKNOWN";
}

interface ErrorBody {
  code?: unknown;
  message?: unknown;
  details?: unknown;
  detail?: unknown;
}

/** Reads `{code, message}` (or FastAPI's `{detail: {code, message}}`) from an error response. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  let source: ErrorBody | undefined;
  if (body && typeof body === "object") {
    const top = body as ErrorBody;
    if (typeof top.code === "string") source = top;
    else if (top.detail && typeof top.detail === "object" && typeof (top.detail as ErrorBody).code === "string")
      source = top.detail as ErrorBody;
  }
  if (source) {
    const message = typeof source.message === "string" ? source.message : "";
    return new ApiError(source.code as string, message, response.status, source.details);
  }
  return new ApiError(fallbackCode(response.status), response.statusText, response.status, body);
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException
    ? error.name === "AbortError"
    : (error as { name?: string } | null)?.name === "AbortError";
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const baseUrl = options.baseUrl ?? "";

  async function request<T>(path: string, req: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json" };
    const initData = options.getInitData();
    if (initData) headers.Authorization = `tma ${initData}`;
    let body: string | undefined;
    if (req.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(req.body);
    }
    const doFetch = options.fetchImpl ?? fetch;
    let response: Response;
    try {
      response = await doFetch(buildUrl(baseUrl, path, req.query), {
        method: req.method ?? "GET",
        headers,
        body,
        signal: req.signal,
      });
    } catch (error) {
      if (isAbort(error)) throw error;
      throw new ApiError("ERR_NETWORK", error instanceof Error ? error.message : String(error));
    }
    if (!response.ok) throw await errorFromResponse(response);
    if (response.status === 204) return undefined as T;
    try {
      return (await response.json()) as T;
    } catch {
      throw new ApiError("ERR_SERVER", "Invalid JSON in response", response.status);
    }
  }

  return {
    request,
    get: (path, opts) => request(path, { ...opts, method: "GET" }),
    post: (path, body, opts) => request(path, { ...opts, method: "POST", body: body ?? {} }),
  };
}
