/**
 * The named RFM segments. The usual eleven (Putler's and Klaviyo's list), placed on a grid of the
 * recency score R and FM = round((F + M) / 2) so that every one of the 25 cells has exactly one name:
 *
 *   R \ FM   1                2                  3                  4              5
 *   5        New              Potential Loyalist Potential Loyalist Champions      Champions
 *   4        Promising        Potential Loyalist Potential Loyalist Loyal          Champions
 *   3        About to Sleep   About to Sleep     Need Attention     Loyal          Loyal
 *   2        Hibernating      Hibernating        At Risk            At Risk        Can't Lose Them
 *   1        Lost             Lost               At Risk            At Risk        Can't Lose Them
 *
 * Read it as: recent and valuable customers are Champions; valuable ones who stopped buying are At
 * Risk, the most valuable of them Can't Lose Them; low-value ones who stopped are Hibernating, then Lost.
 */
export const RFM_SEGMENTS = {
  champions: 'Champions',
  loyal: 'Loyal',
  potential_loyalist: 'Potential Loyalist',
  new: 'New',
  promising: 'Promising',
  need_attention: 'Need Attention',
  about_to_sleep: 'About to Sleep',
  at_risk: 'At Risk',
  cant_lose_them: "Can't Lose Them",
  hibernating: 'Hibernating',
  lost: 'Lost',
} as const;

export type RfmSegmentId = keyof typeof RFM_SEGMENTS;

const GRID: ReadonlyArray<readonly RfmSegmentId[]> = [
  // R = 1 .. 5, each row FM = 1 .. 5
  ['lost', 'lost', 'at_risk', 'at_risk', 'cant_lose_them'],
  ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cant_lose_them'],
  ['about_to_sleep', 'about_to_sleep', 'need_attention', 'loyal', 'loyal'],
  ['promising', 'potential_loyalist', 'potential_loyalist', 'loyal', 'champions'],
  ['new', 'potential_loyalist', 'potential_loyalist', 'champions', 'champions'],
];

export function rfmSegmentOf(r: number, f: number, m: number): RfmSegmentId {
  const fm = Math.floor((f + m + 1) / 2);
  return GRID[r - 1]![fm - 1]!;
}
