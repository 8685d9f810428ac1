import type { Breakdowns, CampaignReport, DateReport, Estimate, Lift } from '../../../../engine/report/report-types.js';

/** A name from config/data that must reach the page as text, never as markup. */
export const HOSTILE = '<b>&"x"';

/** Estimates are precomputed (Wald difference, Katz ratio) so the fixture reads like a real report. */
function lift(sent: [number, number], holdout: [number, number], absolute: Estimate | null, relative: Estimate | null, sufficient: boolean): Lift {
  const cell = ([accounts, conversions]: [number, number]): Lift['sent'] => ({ accounts, conversions, rate: accounts === 0 ? null : conversions / accounts });
  return { sent: cell(sent), holdout: cell(holdout), absolute, relative, sufficient };
}

const NO_BREAKDOWNS: Breakdowns = { scenario: [], rfm_segment: [], treatment: [], region: [] };

function day(date: string, l: Lift, extra: Partial<DateReport>): DateReport {
  return {
    date,
    run_id: `${date}-0123456789abcdef`,
    status: { send: l.sent.accounts, holdout: l.holdout.accounts, frequency_capped: 40, no_candidates: 12 },
    delivered: { accepted: l.sent.accounts - 3, dead_letter: 3 },
    window_complete: true,
    lift: l,
    breakdowns: NO_BREAKDOWNS,
    segment_sizes: { champions: 600, loyal: 500, at_risk: 350, hibernating: 250 },
    scenario_mix: { re_engagement: 700, trending: 500, [HOSTILE]: 300 },
    overlap: [
      { scenarios: ['re_engagement'], profiles: 900 },
      { scenarios: ['re_engagement', 'trending'], profiles: 400 },
      { scenarios: ['trending'], profiles: 200 },
      { scenarios: [HOSTILE, 're_engagement', 'trending'], profiles: 100 },
    ],
    ...extra,
  };
}

/**
 * Four runs over five calendar days: 11-17 has too few holdout accounts, 11-18 has no run, 11-19
 * has no holdout conversion (no relative lift), 11-20's conversion window is still open.
 */
export function campaignReportFixture(): CampaignReport {
  return {
    engine_version: '0.1.0',
    generated_at: '2026-11-23T06:00:00.000Z',
    from: '2026-11-16',
    to: '2026-11-20',
    conversion_window_days: 7,
    min_accounts: 100,
    missing_dates: ['2026-11-18'],
    dates: [
      day('2026-11-16', lift([1500, 120], [160, 11], { value: 0.01125, ci95: [-0.030292, 0.052792] }, { value: 0.163636, ci95: [-0.358534, 1.110867] }, true), {}),
      day('2026-11-17', lift([400, 30], [40, 2], { value: 0.025, ci95: [-0.047306, 0.097306] }, { value: 0.5, ci95: [-0.627875, 5.046355] }, false), {
        segment_sizes: { champions: 150, loyal: 120, at_risk: 100, hibernating: 70, [HOSTILE]: 20 },
        delivered: null,
      }),
      day('2026-11-19', lift([1620, 118], [170, 0], { value: 0.07284, ci95: [0.060185, 0.085494] }, null, true), { scenario_mix: { re_engagement: 1000, trending: 790 } }),
      day('2026-11-20', lift([1580, 61], [175, 6], { value: 0.004322, ci95: [-0.024263, 0.032907] }, { value: 0.126055, ci95: [-0.505995, 1.566774] }, true), { window_complete: false }),
    ],
    overall: {
      lift: lift([5100, 329], [545, 19], { value: 0.029647, ci95: [0.012836, 0.046459] }, { value: 0.850413, ci95: [0.175233, 1.913489] }, true),
      breakdowns: {
        scenario: [
          { key: 're_engagement', ...lift([2600, 190], [280, 12], { value: 0.03022, ci95: [0.004473, 0.055966] }, { value: 0.705128, ci95: [-0.035922, 2.015796] }, true) },
          { key: 'trending', ...lift([1700, 99], [200, 6], { value: 0.028235, ci95: [0.002103, 0.054367] }, { value: 0.941176, ci95: [-0.137252, 3.367634] }, true) },
          { key: HOSTILE, ...lift([800, 40], [65, 1], { value: 0.034615, ci95: [0.001099, 0.068132] }, { value: 2.25, ci95: [-0.54594, 22.262346] }, false) },
        ],
        rfm_segment: [
          { key: 'champions', ...lift([1800, 150], [190, 9], { value: 0.035965, ci95: [0.003172, 0.068758] }, { value: 0.759259, ci95: [-0.086917, 2.389608] }, true) },
          { key: 'loyal', ...lift([1500, 100], [160, 6], { value: 0.029167, ci95: [-0.002864, 0.061197] }, { value: 0.777778, ci95: [-0.207189, 2.986439] }, true) },
          { key: 'at_risk', ...lift([1100, 49], [120, 3], { value: 0.019545, ci95: [-0.010933, 0.050024] }, { value: 0.781818, ci95: [-0.436038, 4.629595] }, true) },
          { key: 'hibernating', ...lift([700, 30], [75, 1], { value: 0.029524, ci95: [-0.000459, 0.059507] }, { value: 2.214286, ci95: [-0.555369, 22.236433] }, false) },
        ],
        treatment: [
          { key: 'svod', ...lift([4300, 290], [470, 17], { value: 0.031272, ci95: [0.012802, 0.049742] }, { value: 0.864569, ci95: [0.154057, 2.012517] }, true) },
          { key: 'avod', ...lift([800, 39], [75, 2], { value: 0.022083, ci95: [-0.017314, 0.061481] }, { value: 0.828125, ci95: [-0.549717, 6.422096] }, false) },
        ],
        region: [
          { key: HOSTILE, ...lift([1500, 99], [60, 2], { value: 0.032667, ci95: [-0.01446, 0.079794] }, { value: 0.98, ci95: [-0.499813, 6.837862] }, false) },
          { key: 'other', ...lift([3600, 230], [485, 17], { value: 0.028837, ci95: [0.010624, 0.047051] }, { value: 0.822712, ci95: [0.124018, 1.955719] }, true) },
          { key: 'nowhere', ...lift([0, 0], [0, 0], null, null, false) },
        ],
      },
    },
  };
}
