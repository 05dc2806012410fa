import { apiClient } from "../../lib/client";
import { createJournalApi, type JournalApi } from "./api";

/** The journal API over the app-wide client (tests stub the global `fetch`). */
export const journalApi: JournalApi = createJournalApi(apiClient);
