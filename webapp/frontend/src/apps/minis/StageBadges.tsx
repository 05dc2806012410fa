import { useI18n } from "../../i18n";
import { STAGES, type StageCounts } from "./api";

/** Compact per-stage counts for a list row; empty stages are dimmed. */
export function StageBadges({ counts }: { counts: StageCounts }): JSX.Element {
  const { t } = useI18n();
  return (
    <span className="stage-badges">
      {STAGES.map((stage) => (
        <span
          key={stage}
          className={`stage-badge stage-${stage.toLowerCase()}${counts[stage] ? "" : " is-empty"}`}
          data-testid={`badge-${stage}`}
          title={t(`stage.${stage}`)}
        >
          {t(`stageShort.${stage}`)} <b>{counts[stage]}</b>
        </span>
      ))}
    </span>
  );
}
