// Sample events shared by the unit tests (and usable by other packages' tests).

export const RECEIVED_AT = new Date('2011-12-09T12:50:00.000Z');

export function orderCompleted(): Record<string, unknown> {
  return {
    type: 'track',
    messageId: 'ajs-next-1723c1e3a',
    anonymousId: '507f191e810c19729de860ea',
    userId: 'user-42',
    event: 'Order Completed',
    timestamp: '2011-12-09T12:49:58.000Z',
    sentAt: '2011-12-09T12:49:59.000Z',
    context: {
      ip: '8.8.8.8',
      library: { name: 'analytics.js', version: 'next-1.64.0' },
      locale: 'en-US',
      page: { path: '/checkout', referrer: '', title: 'Checkout', url: 'https://shop.example/checkout' },
      userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 Chrome/120.0',
      campaign: { name: 'winter', source: 'newsletter', medium: 'email' },
    },
    integrations: {},
    properties: {
      order_id: '50314b8e9bcf000000000000',
      checkout_id: 'fksdjfsdjfisjf9sdfjsd9f',
      affiliation: 'Google Store',
      total: 27.5,
      subtotal: 22.5,
      revenue: 25.0,
      shipping: 3,
      tax: 2,
      discount: 2.5,
      coupon: 'hasbros',
      currency: 'USD',
      products: [1, 2, 3, 4, 5].map((i) => ({
        product_id: `507f1f77bcf86cd79943901${i}`,
        sku: `45790-32${i}`,
        name: `Monopoly: ${i}rd Edition`,
        price: 19 + i,
        quantity: i,
        category: 'Games',
        url: `https://www.example.com/product/path${i}`,
        image_url: `https://www.example.com/product/path${i}.jpg`,
      })),
    },
  };
}
