/**
 * Well-known symbols that `npm run dev:offline` makes up bars for (with OFFLINE_SYNTHETIC=listed,
 * its default): enough for the README's examples and a demo on every calendar, while a typo
 * such as APPL fails as it would against Yahoo. A symbol outside this list gets bars only with
 * OFFLINE_SYNTHETIC=any.
 */
// prettier-ignore
export const LISTED_SYMBOLS: readonly string[] = [
  // United States: the largest companies and the README's examples.
  'AAPL', 'MSFT', 'GOOGL', 'GOOG', 'AMZN', 'META', 'NFLX', 'NVDA', 'TSLA', 'BRK-B', 'BRK.B',
  'JPM', 'V', 'MA', 'JNJ', 'WMT', 'PG', 'XOM', 'CVX', 'KO', 'PEP', 'DIS', 'INTC', 'AMD', 'IBM',
  'ORCL', 'CSCO', 'ADBE', 'CRM', 'AVGO', 'QCOM', 'T', 'VZ', 'BAC', 'WFC', 'C', 'GS', 'MS',
  'UNH', 'HD', 'MCD', 'NKE', 'SBUX', 'BA', 'CAT', 'GE', 'F', 'GM', 'UBER', 'PYPL', 'COST', 'LLY',
  // Funds and indices.
  'SPY', 'QQQ', 'DIA', 'IWM', 'VTI', 'VOO', 'GLD', 'TLT',
  '^GSPC', '^DJI', '^IXIC', '^RUT', '^VIX', '^FTSE', '^GDAXI', '^N225', '^HSI',
  // Other exchanges, one calendar each at least.
  'VOD.L', 'HSBA.L', 'BP.L', 'SAP.DE', 'SIE.DE', 'RY.TO', 'SHOP.TO', 'BHP.AX', 'CBA.AX',
  '7203.T', '6758.T', '0700.HK', '0005.HK', 'RELIANCE.NS', 'TCS.NS', 'RELIANCE.BO',
  // Around the clock.
  'BTC-USD', 'ETH-USD', 'EURUSD=X', 'GBPUSD=X', 'USDJPY=X',
];
