import { apiClient } from "../../lib/client";
import { createAgendaApi, type AgendaApi } from "./api";

/** The items API over the app-wide client (tests stub the global `fetch`). */
export const agendaApi: AgendaApi = createAgendaApi(apiClient);
