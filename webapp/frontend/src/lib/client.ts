import { createApiClient, type ApiClient } from "./api";
import { getInitData } from "./telegram";

/** The app-wide API client: same origin, `Authorization: tma <initData>` from Telegram. */
export const apiClient: ApiClient = createApiClient({ getInitData });
