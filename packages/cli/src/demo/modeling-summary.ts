import {
  datasetAt,
  evaluatePredictions,
  HybridModel,
  loadRetailActivities,
  type ModelingService,
  trainPredictionModel,
} from '@pulse/modeling';

const DAY_MS = 86_400_000;
/** Well-known Online Retail products (the best sellers) whose neighbours by description are shown. */
const SHOWN_PRODUCTS = ['85123A', '22423', '84879'];
const SHOWN_CUSTOMERS = 3;

export interface ModelingSummary {
  events_applied: number;
  segment_changes_published: number;
  segment_sizes: Record<string, number>;
  clusters: Array<{ id: string; customers: number; description: string }>;
  cluster_outliers: number;
  predictions: {
    customers_scored: number;
    clv_mae: number;
    clv_baseline_mae: number;
    churn_auc: number;
    churn_baseline_auc: number;
  };
  similar_by_description: Array<{
    product: string;
    name: string;
    similar: Array<{ product: string; name: string; score: number }>;
  }>;
  recommendations: Array<{ customer: string; recently: string[]; recommended: string[] }>;
  item_similarity: { version: number; items: number; pairs: number } | null;
}

/**
 * What the modeling service made of the replay: its segments, clusters in words, the predictions
 * trained on a time split of the same data (and installed into the live segments as traits), three
 * products' neighbours by description and a few customers' recommendations.
 */
export async function modelingSummary(modeling: ModelingService, dataDir?: string): Promise<ModelingSummary> {
  const { activities } = await loadRetailActivities(dataDir);
  const end = activities[activities.length - 1]!.timeMs;
  const scores = evaluatePredictions(activities, end - 90 * DAY_MS, 90);
  // The production model: trained with targets up to the end of the data, used from now on.
  const model = trainPredictionModel(datasetAt(activities, end - 90 * DAY_MS, 90));
  modeling.installPredictionModel(model);
  await modeling.worker.consumer.checkpoint();
  const written = await modeling.similarity.write(modeling.worker.consumer.stats.events);

  const engine = modeling.segments.segments;
  const report = engine.clusters.report;
  const hybrid = modeling.recs.model instanceof HybridModel ? modeling.recs.model : undefined;
  const nameOf = (item: string) => hybrid?.contentModel.texts.textOf(item) ?? item;
  return {
    events_applied: modeling.worker.consumer.stats.events,
    segment_changes_published: modeling.publisher.publishedSeq,
    segment_sizes: Object.fromEntries(Object.entries(engine.sizes()).sort(([a], [b]) => a.localeCompare(b))),
    clusters: (report?.clusters ?? []).map((c) => ({
      id: c.id,
      customers: c.size,
      description: c.description,
    })),
    cluster_outliers: report?.outliers ?? 0,
    predictions: {
      customers_scored: scores.testCustomers,
      clv_mae: round(scores.clv.mae),
      clv_baseline_mae: round(scores.clv.baselineMae),
      churn_auc: round(scores.churn.auc, 4),
      churn_baseline_auc: round(scores.churn.baselineAuc, 4),
    },
    similar_by_description: hybrid
      ? SHOWN_PRODUCTS.filter((p) => hybrid.knows(p)).map((product) => ({
          product,
          name: nameOf(product),
          similar: hybrid.contentModel.similarItems(product, 5).map((r) => ({
            product: r.item,
            name: nameOf(r.item),
            score: round(r.score, 3),
          })),
        }))
      : [],
    recommendations: busiestCustomers(modeling, SHOWN_CUSTOMERS).map((customer) => ({
      customer,
      recently: (modeling.people.of(customer)?.recent ?? []).slice(-3).map(nameOf),
      recommended: modeling.recommender.forUser(customer, 5).items.map((r) => nameOf(r.item)),
    })),
    item_similarity: written ?? null,
  };
}

/** Customers with the most orders, for examples that have a history to start from. */
function busiestCustomers(modeling: ModelingService, n: number): string[] {
  const orders = new Map<string, number>();
  for (const profile of modeling.segments.segments.profiles.values()) orders.set(profile.key, profile.orders);
  return [...orders]
    .filter(([key]) => modeling.people.of(key) !== undefined)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([key]) => key);
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
