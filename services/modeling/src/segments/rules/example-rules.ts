/**
 * Rule segments as a marketer would declare them (JSON-compatible data; parseSegmentRules checks
 * them). Used by the evaluation, the bench and the documentation.
 */
export const EXAMPLE_SEGMENT_RULES = [
  {
    id: 'viewed-not-bought',
    name: 'Viewed a product 3+ times in 7 days and did not order',
    rule: {
      all: [
        { performed: 'Product Viewed', within: '7d', gte: 3 },
        { performed: 'Order Completed', within: '7d', eq: 0 },
      ],
    },
  },
  {
    id: 'big-spenders-90d',
    name: 'Spent over 1,000 in 90 days',
    rule: { performed: 'Order Completed', within: '90d', sum: 'total', gt: 1000 },
  },
  {
    id: 'serial-refunders-30d',
    name: 'Refunded 2+ orders in 30 days',
    rule: { performed: 'Order Refunded', within: '30d', gte: 2 },
  },
  {
    id: 'valuable-slipping-away',
    name: 'Champions or Loyal whose chance to buy again in 90 days is under 50 %',
    rule: {
      all: [
        {
          any: [
            { trait: 'rfm_segment', eq: 'champions' },
            { trait: 'rfm_segment', eq: 'loyal' },
          ],
        },
        { trait: 'buy_probability_90d', lt: 0.5 },
      ],
    },
  },
] as const;
