import { apiClient } from "../../lib/client";
import { createMinisApi, type MinisApi } from "./api";

/** The Minis API over the app-wide client (tests stub the global `fetch`). */
export const minisApi: MinisApi = createMinisApi(apiClient);
