import { useCallback, useEffect, useRef, useState, type DependencyList } from "react";

export function useDebounced<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), delayMs);
    return () => window.clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}

/**
 * Calls `refetch` when the window regains focus or the tab becomes visible again, so a tab
 * catches up with changes made elsewhere (there is no push channel).
 */
export function useRefetchOnFocus(refetch: () => void, minIntervalMs = 500): void {
  const ref = useRef(refetch);
  ref.current = refetch;
  useEffect(() => {
    let last = 0;
    const fire = (): void => {
      const now = Date.now();
      if (now - last < minIntervalMs) return;
      last = now;
      ref.current();
    };
    const onVisibility = (): void => {
      if (document.visibilityState === "visible") fire();
    };
    window.addEventListener("focus", fire);
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      window.removeEventListener("focus", fire);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [minIntervalMs]);
}

export interface Query<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  refetch: () => Promise<void>;
  setData: (data: T) => void;
}

/**
 * Loads data with `fetcher` whenever `deps` change. A refetch keeps the previous data on screen
 * (no flicker, no reset of inputs that depend on it); a stale response never overwrites a newer one.
 */
export function useQuery<T>(fetcher: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Query<T> {
  const [data, setDataState] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const controller = useRef<AbortController | null>(null);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;

  const run = useCallback(async (): Promise<void> => {
    generation.current += 1;
    const mine = generation.current;
    controller.current?.abort();
    const ctrl = new AbortController();
    controller.current = ctrl;
    setLoading(true);
    try {
      const result = await fetcherRef.current(ctrl.signal);
      if (mine !== generation.current) return;
      setDataState(result);
      setError(undefined);
    } catch (err) {
      if (mine !== generation.current || ctrl.signal.aborted) return;
      setError(err);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void run();
    return () => controller.current?.abort();
  }, deps);

  const setData = useCallback((value: T) => {
    generation.current += 1; // a local update wins over any request still in flight
    controller.current?.abort();
    setDataState(value);
    setError(undefined);
    setLoading(false);
  }, []);

  return { data, error, loading, refetch: run, setData };
}
