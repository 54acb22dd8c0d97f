import { z } from 'zod';
import { RecsConfigError } from './errors.js';

/**
 * The models' settings, validated in one place. A service embeds these schemas in its own config
 * (read from the environment there); the evaluation passes them from its flags. Every field has a
 * default, so `{}` is a valid configuration.
 */

const positive = z.number().positive();
const count = (min: number) => z.number().int().min(min);

/**
 * Weights per kind of interaction. Our data cannot tune them (the OTTO sample has 62 carts and
 * orders, MovieLens and Online Retail have one kind each), so they are a prior: an add-to-cart says
 * more about taste than a view, an order more still.
 */
export const weightsSchema = z
  .object({ view: positive.default(1), cart: positive.default(3), purchase: positive.default(5) })
  .strict();

/** Exponential time decay; null switches it off. */
const halfLifeDays = positive.nullable().default(30);
/** How much each step back in a person's history weighs against the one after it. */
const recencyWeight = z.number().gt(0).max(1).default(0.8);
/** How many of a person's most recent items a recommendation starts from. */
const historyLength = count(1).max(1000).default(10);

export const popularityConfigSchema = z
  .object({
    halfLifeDays,
    weights: weightsSchema.prefault({}),
    /** Items kept in rank order; an answer that excludes more than this falls back to a full sort. */
    rankedItems: count(1).default(1000),
  })
  .strict();

export const cooccurrenceConfigSchema = z
  .object({
    halfLifeDays,
    weights: weightsSchema.prefault({}),
    /** A new item pairs with this many of the basket's most recent other items. */
    window: count(1).max(1000).default(20),
    /** Each step further back in the basket multiplies a pair's count by this. */
    proximityWeight: z.number().gt(0).max(1).default(0.9),
    /** A person's basket ends after this much silence (event time); null: one basket per session key. */
    sessionGapMinutes: positive.nullable().default(30),
    /** Items a basket remembers (to count a pair once per basket); the oldest are forgotten first. */
    maxSessionItems: count(1).default(500),
    /** Open baskets kept; past this the longest idle are closed. */
    maxOpenSessions: count(1).default(1_000_000),
    /** Neighbours tracked per item; the weakest are dropped past it. */
    maxCandidatesPerItem: count(1).default(200),
    /** Tracked (item, neighbour) entries in all; the weakest fifth is dropped past it. */
    maxPairs: count(1).default(20_000_000),
    /** Events between two sweeps of idle baskets. */
    sweepEvery: count(1).default(10_000),
  })
  .strict()
  .refine((c) => c.maxSessionItems >= c.window, {
    message: 'maxSessionItems must be at least window',
    path: ['maxSessionItems'],
  });

export const itemKnnConfigSchema = z
  .object({
    cooccurrence: cooccurrenceConfigSchema.prefault({}),
    /** cosine of the weighted co-occurrence vectors, or Dunning's log-likelihood ratio. */
    measure: z.enum(['cosine', 'llr']).default('cosine'),
    /** Exponent of the asymmetric cosine: 0.5 is the plain cosine (see ItemCooccurrence.topNeighbours). */
    alpha: z.number().min(0).max(1).default(0.9),
    /** Neighbours per item (K). */
    neighbours: count(1).default(50),
    /** How a history item's neighbours add up: by their rank (reciprocal rank fusion) or similarity. */
    aggregation: z.enum(['rank', 'similarity']).default('rank'),
    /** The c of 1 / (c + rank): larger flattens the difference between a first and a tenth neighbour. */
    rankConstant: z.number().positive().default(30),
    historyLength: count(1).max(1000).default(20),
    recencyWeight,
    popularity: popularityConfigSchema.prefault({}),
  })
  .strict();

export const svdConfigSchema = z
  .object({
    halfLifeDays,
    weights: weightsSchema.prefault({}),
    /** Latent factors (the k of the truncated SVD). */
    factors: count(1).max(500).default(32),
    /** Extra random directions and power iterations of the randomized SVD (Halko et al. 2011). */
    oversample: count(0).default(10),
    powerIterations: count(0).default(2),
    /** Columns of the matrix: the most popular items at refit time. */
    maxItems: count(1).default(3000),
    /** Rows: the most recently active people; older ones are forgotten. */
    maxUsers: count(1).default(50_000),
    maxUserItems: count(1).default(500),
    /** Events between two refits; null: only when refit() is called. */
    refitEvery: count(1).nullable().default(5000),
    historyLength,
    recencyWeight,
    seed: z.number().int().default(42),
    popularity: popularityConfigSchema.prefault({}),
  })
  .strict();

export const contentConfigSchema = z
  .object({
    neighbours: count(1).default(50),
    aggregation: z.enum(['rank', 'similarity']).default('rank'),
    rankConstant: z.number().positive().default(30),
    historyLength: count(1).max(1000).default(20),
    recencyWeight,
    popularity: popularityConfigSchema.prefault({}),
  })
  .strict();

export const hybridConfigSchema = z
  .object({
    knn: itemKnnConfigSchema.prefault({}),
    content: contentConfigSchema.prefault({}),
    /**
     * How much co-occurrence evidence (decayed weight of an item's pairs) makes the collaborative
     * score as trustworthy as the content score: the blend gives the collaborative side
     * evidence / (evidence + this). A new item leans on its description, a known one on behaviour.
     */
    evidence: positive.default(20),
  })
  .strict();

export type Weights = z.output<typeof weightsSchema>;
export type PopularityConfig = z.output<typeof popularityConfigSchema>;
export type CooccurrenceConfig = z.output<typeof cooccurrenceConfigSchema>;
export type ItemKnnConfig = z.output<typeof itemKnnConfigSchema>;
export type SvdConfig = z.output<typeof svdConfigSchema>;
export type ContentConfig = z.output<typeof contentConfigSchema>;
export type HybridConfig = z.output<typeof hybridConfigSchema>;
/** What callers may pass: every field optional, defaults filled in by parsing. */
export type PopularityConfigInput = z.input<typeof popularityConfigSchema>;
export type CooccurrenceConfigInput = z.input<typeof cooccurrenceConfigSchema>;
export type ItemKnnConfigInput = z.input<typeof itemKnnConfigSchema>;
export type SvdConfigInput = z.input<typeof svdConfigSchema>;
export type ContentConfigInput = z.input<typeof contentConfigSchema>;
export type HybridConfigInput = z.input<typeof hybridConfigSchema>;

/** Parses `input` with `schema`, or throws RecsConfigError naming every bad field. */
export function parseRecsConfig<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new RecsConfigError(`invalid ${what} configuration: ${problems.join('; ')}`);
}

export const MS_PER_DAY = 86_400_000;
