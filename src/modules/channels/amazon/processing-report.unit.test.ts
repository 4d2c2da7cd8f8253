import { describe, expect, it } from 'vitest';
import { inventoryListingsFeed } from './inventory-feed.js';
import { readListingsProcessingReport, readXmlProcessingReport } from './processing-report.js';

describe('Amazon processing reports', () => {
  it('reads an XML ProcessingReport: counts, an error per MessageID, a feed-level error at MessageID 0', () => {
    const report = readXmlProcessingReport(`<?xml version="1.0" encoding="UTF-8"?>
<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">
  <Header><DocumentVersion>1.02</DocumentVersion><MerchantIdentifier>A1ZGY3RE5LH1AU</MerchantIdentifier></Header>
  <MessageType>ProcessingReport</MessageType>
  <Message>
    <MessageID>1</MessageID>
    <ProcessingReport>
      <DocumentTransactionID>567090017927</DocumentTransactionID>
      <StatusCode>Complete</StatusCode>
      <ProcessingSummary>
        <MessagesProcessed>3</MessagesProcessed>
        <MessagesSuccessful>1</MessagesSuccessful>
        <MessagesWithError>1</MessagesWithError>
        <MessagesWithWarning>1</MessagesWithWarning>
      </ProcessingSummary>
      <Result>
        <MessageID>2</MessageID>
        <ResultCode>Error</ResultCode>
        <ResultMessageCode>18028</ResultMessageCode>
        <ResultDescription>The order &amp; its items cannot be cancelled.</ResultDescription>
      </Result>
      <Result>
        <MessageID>3</MessageID>
        <ResultCode>Warning</ResultCode>
        <ResultMessageCode>5000</ResultMessageCode>
        <ResultDescription>Something to look at.</ResultDescription>
      </Result>
      <Result>
        <MessageID>0</MessageID>
        <ResultCode>Error</ResultCode>
        <ResultMessageCode>5001</ResultMessageCode>
        <ResultDescription>XML Parsing Error at Line 22, Column 28</ResultDescription>
      </Result>
    </ProcessingReport>
  </Message>
</AmazonEnvelope>`);
    expect(report.processed).toBe(3);
    expect([...report.errors]).toEqual([[2, '18028: The order & its items cannot be cancelled.']]);
    expect([...report.warnings]).toEqual([[3, '5000: Something to look at.']]);
    expect(report.feedErrors).toEqual(['5001: XML Parsing Error at Line 22, Column 28']);
    expect(() => readXmlProcessingReport('<html>no</html>')).toThrow(/not an XML ProcessingReport/);
  });

  it('reads a JSON_LISTINGS_FEED report: ERROR issues by messageId, warnings apart, feed issues without one', () => {
    const report = readListingsProcessingReport(
      JSON.stringify({
        header: { sellerId: 'A3UPZ1E6WSR9P', version: '2.0', feedId: '50000000001' },
        issues: [
          { messageId: 1, code: '8541', severity: 'ERROR', message: 'SKU mismatch', attributeName: 'sku' },
          { messageId: 1, code: '90000900', severity: 'ERROR', message: 'second problem' },
          { messageId: 2, code: '18', severity: 'WARNING', message: 'a warning' },
          { code: '100001', severity: 'ERROR', message: 'about the feed' },
        ],
        summary: { errors: 3, warnings: 1, messagesProcessed: 2, messagesAccepted: 1, messagesInvalid: 1 },
      }),
    );
    expect(report.processed).toBe(2);
    expect([...report.errors]).toEqual([[1, '8541: SKU mismatch; 90000900: second problem']]);
    expect([...report.warnings]).toEqual([[2, '18: a warning']]);
    expect(report.feedErrors).toEqual(['100001: about the feed']);
    expect(() => readListingsProcessingReport('{"summary":{}}')).toThrow(/not a JSON_LISTINGS_FEED/);
  });

  it('writes stock as PATCH messages of fulfillment_availability, one per seller SKU, numbered from 1', () => {
    expect(
      JSON.parse(
        inventoryListingsFeed('A3UPZ1E6WSR9P', [
          { sellerSku: 'SKU-1', quantity: 5 },
          { sellerSku: 'SKU-2', quantity: 0 },
        ]),
      ),
    ).toEqual({
      header: { sellerId: 'A3UPZ1E6WSR9P', version: '2.0', issueLocale: 'en_US' },
      messages: [1, 2].map((n) => ({
        messageId: n,
        sku: `SKU-${n}`,
        operationType: 'PATCH',
        productType: 'PRODUCT',
        patches: [
          {
            op: 'replace',
            path: '/attributes/fulfillment_availability',
            value: [{ fulfillment_channel_code: 'DEFAULT', quantity: n === 1 ? 5 : 0 }],
          },
        ],
      })),
    });
  });
});
