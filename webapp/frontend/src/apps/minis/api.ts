import type { ApiClient } from "../../lib/api";

export const STAGES = ["IN_BOX", "BUILDING", "PRIMING", "PAINTING", "DONE"] as const;
export type Stage = (typeof STAGES)[number];
export type StageCounts = Record<Stage, number>;
export type TypeId = number | string;

export interface MiniType {
  id: TypeId;
  name: string;
  stage_counts: StageCounts;
}

export interface HistoryGroup {
  /** null when miniatures were added to IN_BOX (creation with a quantity, "add"). */
  from_stage: Stage | null;
  to_stage: Stage;
  qty: number;
  timestamp: string;
  events: number;
}

export interface ExportPayload {
  version: number;
  types: Array<{
    name: string;
    stage_counts: Partial<StageCounts>;
    history: Array<{ from_stage: Stage | null; to_stage: Stage; qty: number; created_at: string }>;
  }>;
}

export interface ImportResult {
  imported_types: number;
  created_types: number;
  merged_types: number;
}

/** Stages after `stage`, in pipeline order (moves only go forward). */
export function laterStages(stage: Stage): Stage[] {
  return STAGES.slice(STAGES.indexOf(stage) + 1);
}

export function totalCount(counts: StageCounts): number {
  return STAGES.reduce((sum, stage) => sum + counts[stage], 0);
}

function normalizeType(raw: MiniType): MiniType {
  const counts = {} as StageCounts;
  for (const stage of STAGES) counts[stage] = Number(raw.stage_counts?.[stage] ?? 0);
  return { ...raw, stage_counts: counts };
}

/** Server timestamps are UTC; a value without an offset is read as UTC too. */
export function parseTimestamp(value: string): Date {
  const hasZone = /(?:[zZ]|[+-]\d{2}:?\d{2})$/.test(value);
  return new Date(hasZone ? value : `${value}Z`);
}

export interface MinisApi {
  listTypes(q: string, signal?: AbortSignal): Promise<MiniType[]>;
  createType(name: string, quantity?: number): Promise<MiniType>;
  getType(id: TypeId, signal?: AbortSignal): Promise<MiniType>;
  addToBox(id: TypeId, qty: number): Promise<MiniType>;
  move(id: TypeId, fromStage: Stage, toStage: Stage, qty: number): Promise<MiniType>;
  history(id: TypeId, signal?: AbortSignal): Promise<HistoryGroup[]>;
  exportAll(): Promise<ExportPayload>;
  importAll(payload: unknown): Promise<ImportResult>;
}

export function createMinisApi(api: ApiClient): MinisApi {
  const typePath = (id: TypeId): string => `/api/v1/types/${encodeURIComponent(String(id))}`;
  return {
    listTypes: async (q, signal) =>
      (await api.get<MiniType[]>("/api/v1/types", { query: { q: q.trim() }, signal })).map(normalizeType),
    createType: async (name, quantity) =>
      normalizeType(await api.post<MiniType>("/api/v1/types", quantity ? { name, quantity } : { name })),
    getType: async (id, signal) => normalizeType(await api.get<MiniType>(typePath(id), { signal })),
    addToBox: async (id, qty) => normalizeType(await api.post<MiniType>(`${typePath(id)}/add`, { qty })),
    move: async (id, fromStage, toStage, qty) =>
      normalizeType(
        await api.post<MiniType>(`${typePath(id)}/move`, { from_stage: fromStage, to_stage: toStage, qty }),
      ),
    history: (id, signal) => api.get<HistoryGroup[]>(`${typePath(id)}/history`, { signal }),
    exportAll: () => api.get<ExportPayload>("/api/v1/export"),
    importAll: (payload) => api.post<ImportResult>("/api/v1/import", payload),
  };
}
