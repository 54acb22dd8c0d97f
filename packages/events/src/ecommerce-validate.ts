import { type EcommerceEventName, hasProductList } from './ecommerce.js';
import { readId } from './fields.js';
import { isPlainObject } from './json-tree.js';
import { MAX_PRODUCTS } from './limits.js';
import { describe, type Problem } from './problems.js';
import type { JsonObject } from './types.js';

// Checks the properties of Segment e-commerce events against the interfaces in ecommerce.ts, so that
// revenue models can trust them. Each object is checked in one pass over its own keys, looking each
// key's rule up in a table: most fields are absent, and probing for absent keys one by one cost more.
// Paths are only built when a problem is found.

type Rule = 'id' | 'string' | 'number' | 'price' | 'quantity' | 'currency' | 'products';
type Fields = Record<string, unknown>;

/** What quantity must be: Order Completed and Product Added count units, a refund of 0 is no refund. */
type QuantityRule = 'positive' | 'non_zero' | 'any';

const QUANTITY_RULES: Record<EcommerceEventName, QuantityRule> = {
  'Product Viewed': 'any',
  'Product Added': 'positive',
  'Product Removed': 'any',
  'Cart Viewed': 'any',
  'Checkout Started': 'any',
  'Order Completed': 'positive',
  'Order Refunded': 'non_zero',
};

const ORDER_ID_REQUIRED: ReadonlySet<string> = new Set<EcommerceEventName>([
  'Order Completed',
  'Order Refunded',
]);

const PRODUCT_RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ['product_id', 'id'],
  ['sku', 'id'],
  ['name', 'string'],
  ['category', 'string'],
  ['brand', 'string'],
  ['variant', 'string'],
  ['coupon', 'string'],
  ['url', 'string'],
  ['image_url', 'string'],
  ['price', 'price'],
  ['position', 'number'],
  ['quantity', 'quantity'],
]);

const EVENT_RULES: ReadonlyArray<[string, Rule]> = [
  ['total', 'number'],
  ['subtotal', 'number'],
  ['revenue', 'number'],
  ['shipping', 'number'],
  ['tax', 'number'],
  ['discount', 'number'],
  ['value', 'number'],
  ['currency', 'currency'],
  ['cart_id', 'string'],
];

/** Properties of Product Viewed/Added/Removed: one product, plus event-level fields. */
const SINGLE_PRODUCT_RULES: ReadonlyMap<string, Rule> = new Map([...PRODUCT_RULES, ...EVENT_RULES]);

/** Properties of cart, checkout and order events. */
const LIST_RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ...EVENT_RULES,
  ['order_id', 'id'],
  ['checkout_id', 'string'],
  ['affiliation', 'string'],
  ['coupon', 'string'],
  ['products', 'products'],
]);

/**
 * Returns the properties with numeric ids turned into strings. The input is never modified: objects on
 * the way to a converted value are shallow-copied, and only then.
 */
export function validateEcommerceProperties(
  name: EcommerceEventName,
  properties: JsonObject,
  problems: Problem[],
): JsonObject {
  const quantity = QUANTITY_RULES[name];
  if (!hasProductList(name)) {
    return checkFields(properties, SINGLE_PRODUCT_RULES, 'properties', quantity, problems) as JsonObject;
  }
  const orderId = properties['order_id'];
  if (ORDER_ID_REQUIRED.has(name) && (orderId === undefined || orderId === null || orderId === '')) {
    problems.push({
      path: 'properties.order_id',
      code: 'required',
      reason: `is required for "${name}" events: a string or a number`,
    });
  }
  return checkFields(properties, LIST_RULES, 'properties', quantity, problems) as JsonObject;
}

function checkFields(
  source: Fields,
  rules: ReadonlyMap<string, Rule>,
  path: string,
  quantity: QuantityRule,
  problems: Problem[],
): Fields {
  let result = source;
  // for-in for the same reason as in json-tree.ts: the fastest way to read a JSON object's entries.
  for (const key in source) {
    const rule = rules.get(key);
    if (rule === undefined) continue;
    const value = source[key];
    if (value === null) continue; // SDKs send null for unset optional fields
    let converted: unknown = value;
    switch (rule) {
      case 'id':
        if (typeof value !== 'string') converted = readId(value, path + '.' + key, problems) ?? value;
        break;
      case 'string':
        if (typeof value !== 'string') problems.push(typeProblem(path, key, 'a string', value));
        break;
      case 'number':
      case 'price':
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          problems.push(typeProblem(path, key, 'a number', value));
        } else if (rule === 'price' && value < 0) {
          problems.push({
            path: path + '.' + key,
            code: 'out_of_range',
            reason: `must be 0 or more, got ${value}`,
          });
        }
        break;
      case 'quantity':
        checkQuantity(value, path, quantity, problems);
        break;
      case 'currency':
        checkCurrency(value, path, problems);
        break;
      case 'products':
        converted = checkProducts(value, path + '.' + key, quantity, problems);
        break;
    }
    if (converted !== value) {
      // Spread copies with CreateDataProperty, so a client's "__proto__" key stays data; `key` is ours.
      if (result === source) result = { ...source };
      result[key] = converted;
    }
  }
  return result;
}

function checkProducts(
  products: unknown,
  path: string,
  quantity: QuantityRule,
  problems: Problem[],
): unknown {
  if (!Array.isArray(products)) {
    problems.push({
      path,
      code: 'type',
      reason: `must be an array of product objects, got ${describe(products)}`,
    });
    return products;
  }
  if (products.length > MAX_PRODUCTS) {
    problems.push({
      path,
      code: 'too_large',
      reason: `must hold at most ${MAX_PRODUCTS} products, got ${products.length}`,
    });
    return products;
  }
  let result: unknown[] = products;
  for (let i = 0; i < products.length; i++) {
    const product: unknown = products[i];
    const productPath = path + '[' + i + ']';
    if (!isPlainObject(product)) {
      problems.push({
        path: productPath,
        code: 'type',
        reason: `must be a product object, got ${describe(product)}`,
      });
      continue;
    }
    const checked = checkFields(product, PRODUCT_RULES, productPath, quantity, problems);
    if (checked !== product) {
      if (result === products) result = products.slice();
      result[i] = checked;
    }
  }
  return result;
}

function checkQuantity(value: unknown, path: string, rule: QuantityRule, problems: Problem[]): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    problems.push(typeProblem(path, 'quantity', 'a number', value));
  } else if (rule === 'positive' && !(Number.isInteger(value) && value > 0)) {
    problems.push({
      path: path + '.quantity',
      code: 'out_of_range',
      reason: `must be a whole number greater than 0, got ${value}`,
    });
  } else if (rule === 'non_zero' && value === 0) {
    problems.push({
      path: path + '.quantity',
      code: 'out_of_range',
      reason: 'must be a number other than 0',
    });
  }
}

/** Upper-case ISO 4217 code; checked by char codes rather than a regex because it runs per event. */
function checkCurrency(value: unknown, path: string, problems: Problem[]): void {
  if (typeof value !== 'string') {
    problems.push(typeProblem(path, 'currency', 'an ISO 4217 currency code string such as "USD"', value));
  } else if (!(value.length === 3 && isUpper(value, 0) && isUpper(value, 1) && isUpper(value, 2))) {
    problems.push({
      path: path + '.currency',
      code: 'format',
      reason: `must be a 3-letter upper-case ISO 4217 currency code such as "USD", got ${describe(value)}`,
    });
  }
}

function isUpper(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  return code >= 65 && code <= 90;
}

function typeProblem(path: string, key: string, expected: string, value: unknown): Problem {
  return { path: path + '.' + key, code: 'type', reason: `must be ${expected}, got ${describe(value)}` };
}
