/**
 * The journal's export as a file: through Telegram's `downloadFile` (Bot API 8.0+), which fetches the link itself,
 * else an ordinary download link. Either way the link is a short-lived one (POST /entries/export/link), so it needs
 * no Authorization header.
 */
import type { ExportFormat, JournalApi } from "./api";

interface DownloadingWebApp {
  downloadFile?: (params: { url: string; file_name: string }, callback?: (accepted: boolean) => void) => void;
  isVersionAtLeast?: (version: string) => boolean;
}

export function telegramDownloader(): DownloadingWebApp["downloadFile"] | undefined {
  const app = (typeof window === "undefined" ? undefined : window.Telegram?.WebApp) as DownloadingWebApp | undefined;
  if (typeof app?.downloadFile !== "function") return undefined;
  if (app.isVersionAtLeast && !app.isVersionAtLeast("8.0")) return undefined;
  return app.downloadFile.bind(app);
}

export async function exportEntries(api: JournalApi, format: ExportFormat): Promise<"telegram" | "browser"> {
  const link = await api.exportLink(format);
  const url = new URL(link.path, window.location.href).toString(); // the Mini App's origin serves the API
  const download = telegramDownloader();
  if (download) {
    download({ url, file_name: link.fileName });
    return "telegram";
  }
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = link.fileName;
  anchor.rel = "noopener";
  anchor.style.display = "none";
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  return "browser";
}
