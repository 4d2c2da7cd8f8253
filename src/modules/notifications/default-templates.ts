// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is Aliyun's SMS template syntax, not ours
import type { Channel, Kind, Locale } from './notification-kinds.js';

/** A template's text: e-mail and helpdesk have a subject; SMS a pre-approved Aliyun template code and its parameters. */
export interface TemplateContent {
  subject: string | null;
  body: string;
  smsTemplateCode: string | null;
  smsParams: Record<string, string> | null;
}

const mail = (subject: string, body: string): TemplateContent => ({
  subject,
  body,
  smsTemplateCode: null,
  smsParams: null,
});
/** Aliyun SMS templates are approved per account: these codes are placeholders to replace through the API. */
const sms = (code: string, body: string, params: Record<string, string>): TemplateContent => ({
  subject: null,
  body,
  smsTemplateCode: code,
  smsParams: params,
});

const UNSUB_EN = '\n\nDo not want these e-mails? Unsubscribe: {{ links.unsubscribe }}';
const UNSUB_ZH = '\n\n不想再收到此类邮件？退订：{{ links.unsubscribe }}';
const LINES_EN = '{% for line in order.lines %}\n- {{ line.title }} × {{ line.quantity }}{% endfor %}';
const LINES_ZH = '{% for line in order.lines %}\n- {{ line.title }} × {{ line.quantity }}{% endfor %}';

type Defaults = Partial<Record<Kind, Partial<Record<Channel, Record<Locale, TemplateContent>>>>>;

/** The zh-CN and en templates OrderSync ships with (version 0 of every template). */
export const DEFAULT_TEMPLATES: Defaults = {
  order_placed: {
    email: {
      en: mail(
        'Order {{ order.number }} received',
        `Hello {{ customer.name }},\n\nThank you for your order {{ order.number }} ({{ order.total }}), placed {{ order.placedAt }}:${LINES_EN}\n\nWe will let you know when it ships.`,
      ),
      'zh-CN': mail(
        '已收到您的订单 {{ order.number }}',
        `{{ customer.name }}，您好：\n\n感谢您的订单 {{ order.number }}（{{ order.total }}），下单时间 {{ order.placedAt }}：${LINES_ZH}\n\n发货后我们会通知您。`,
      ),
    },
  },
  order_paid: {
    email: {
      en: mail(
        'Payment received for order {{ order.number }}',
        'Hello {{ customer.name }},\n\nWe received your payment of {{ order.total }} for order {{ order.number }}. We are preparing it for shipping.',
      ),
      'zh-CN': mail(
        '订单 {{ order.number }} 已付款',
        '{{ customer.name }}，您好：\n\n我们已收到订单 {{ order.number }} 的付款 {{ order.total }}，正在为您备货。',
      ),
    },
  },
  order_shipped: {
    email: {
      en: mail(
        'Order {{ order.number }} has shipped',
        `Hello {{ customer.name }},\n\nYour order {{ order.number }} is on its way with {{ shipment.carrier }}, tracking number {{ shipment.trackingNumber }}.\nTrack it: {{ shipment.trackingUrl }}${UNSUB_EN}`,
      ),
      'zh-CN': mail(
        '订单 {{ order.number }} 已发货',
        `{{ customer.name }}，您好：\n\n您的订单 {{ order.number }} 已由 {{ shipment.carrier }} 发出，运单号 {{ shipment.trackingNumber }}。\n查看物流：{{ shipment.trackingUrl }}${UNSUB_ZH}`,
      ),
    },
    sms: {
      en: sms('SMS_000000001', 'Order ${order} shipped with ${carrier}, tracking ${tracking}', {
        order: '{{ order.number }}',
        carrier: '{{ shipment.carrier }}',
        tracking: '{{ shipment.trackingNumber }}',
      }),
      'zh-CN': sms('SMS_000000002', '您的订单${order}已由${carrier}发出，运单号${tracking}', {
        order: '{{ order.number }}',
        carrier: '{{ shipment.carrier }}',
        tracking: '{{ shipment.trackingNumber }}',
      }),
    },
  },
  out_for_delivery: {
    email: {
      en: mail(
        'Order {{ order.number }} is out for delivery',
        `Hello {{ customer.name }},\n\nYour parcel {{ shipment.trackingNumber }} ({{ shipment.carrier }}) is out for delivery today.\nTrack it: {{ shipment.trackingUrl }}${UNSUB_EN}`,
      ),
      'zh-CN': mail(
        '订单 {{ order.number }} 正在派送',
        `{{ customer.name }}，您好：\n\n您的包裹 {{ shipment.trackingNumber }}（{{ shipment.carrier }}）正在派送中，请保持电话畅通。\n查看物流：{{ shipment.trackingUrl }}${UNSUB_ZH}`,
      ),
    },
    sms: {
      en: sms('SMS_000000003', 'Your parcel ${tracking} is out for delivery', {
        tracking: '{{ shipment.trackingNumber }}',
      }),
      'zh-CN': sms('SMS_000000004', '您的包裹${tracking}正在派送，请保持电话畅通', {
        tracking: '{{ shipment.trackingNumber }}',
      }),
    },
  },
  order_delivered: {
    email: {
      en: mail(
        'Order {{ order.number }} was delivered',
        `Hello {{ customer.name }},\n\nYour order {{ order.number }} was delivered. We hope you enjoy it.${UNSUB_EN}`,
      ),
      'zh-CN': mail(
        '订单 {{ order.number }} 已送达',
        `{{ customer.name }}，您好：\n\n您的订单 {{ order.number }} 已送达，祝您使用愉快。${UNSUB_ZH}`,
      ),
    },
  },
  order_cancelled: {
    email: {
      en: mail(
        'Order {{ order.number }} was cancelled',
        'Hello {{ customer.name }},\n\nYour order {{ order.number }} ({{ order.total }}) was cancelled. Any payment is refunded to where it came from.',
      ),
      'zh-CN': mail(
        '订单 {{ order.number }} 已取消',
        '{{ customer.name }}，您好：\n\n您的订单 {{ order.number }}（{{ order.total }}）已取消，已付款项将原路退回。',
      ),
    },
    helpdesk: {
      en: mail(
        'Order {{ order.number }} cancelled',
        'Order {{ order.number }} ({{ order.total }}) was cancelled.',
      ),
      'zh-CN': mail('订单 {{ order.number }} 已取消', '订单 {{ order.number }}（{{ order.total }}）已取消。'),
    },
  },
  refund_issued: {
    email: {
      en: mail(
        'Refund of {{ refund.amount }} for order {{ order.number }}',
        'Hello {{ customer.name }},\n\nWe refunded {{ refund.amount }} for order {{ order.number }}. It reaches your account within a few working days.',
      ),
      'zh-CN': mail(
        '订单 {{ order.number }} 已退款 {{ refund.amount }}',
        '{{ customer.name }}，您好：\n\n订单 {{ order.number }} 已退款 {{ refund.amount }}，预计数个工作日内到账。',
      ),
    },
    helpdesk: {
      en: mail(
        'Refund {{ refund.amount }} on {{ order.number }}',
        'Refunded {{ refund.amount }} on order {{ order.number }}.',
      ),
      'zh-CN': mail(
        '订单 {{ order.number }} 退款 {{ refund.amount }}',
        '订单 {{ order.number }} 已退款 {{ refund.amount }}。',
      ),
    },
  },
  return_approved: {
    email: {
      en: mail(
        'Your return for order {{ order.number }} is approved',
        'Hello {{ customer.name }},\n\nYour return request for order {{ order.number }} was approved. Please send the items back; we refund once they arrive.',
      ),
      'zh-CN': mail(
        '订单 {{ order.number }} 的退货申请已通过',
        '{{ customer.name }}，您好：\n\n您的订单 {{ order.number }} 退货申请已通过，请寄回商品，我们收到后为您退款。',
      ),
    },
    helpdesk: {
      en: mail(
        'Return approved on {{ order.number }}',
        'Return ({{ return.type }}, {{ return.reason }}) approved on order {{ order.number }}.',
      ),
      'zh-CN': mail(
        '订单 {{ order.number }} 退货已批准',
        '订单 {{ order.number }} 的退货（{{ return.type }}，{{ return.reason }}）已批准。',
      ),
    },
  },
  return_received: {
    email: {
      en: mail(
        'We received your return for order {{ order.number }}',
        'Hello {{ customer.name }},\n\nThe items you returned from order {{ order.number }} arrived. Your refund follows shortly.',
      ),
      'zh-CN': mail(
        '已收到订单 {{ order.number }} 的退货',
        '{{ customer.name }}，您好：\n\n我们已收到您从订单 {{ order.number }} 寄回的商品，退款即将处理。',
      ),
    },
    helpdesk: {
      en: mail(
        'Return received on {{ order.number }}',
        'Returned items of order {{ order.number }} arrived ({{ return.reason }}).',
      ),
      'zh-CN': mail(
        '订单 {{ order.number }} 退货已收到',
        '订单 {{ order.number }} 的退货已到仓（{{ return.reason }}）。',
      ),
    },
  },
  payment_reminder: {
    email: {
      en: mail(
        'Order {{ order.number }} is waiting for your payment',
        `Hello {{ customer.name }},\n\nOrder {{ order.number }} ({{ order.total }}) is not paid yet. Please pay before {{ payment.dueAt }}, or it is cancelled.${UNSUB_EN}`,
      ),
      'zh-CN': mail(
        '订单 {{ order.number }} 待付款',
        `{{ customer.name }}，您好：\n\n订单 {{ order.number }}（{{ order.total }}）尚未付款，请在 {{ payment.dueAt }} 前完成支付，否则订单将自动取消。${UNSUB_ZH}`,
      ),
    },
    sms: {
      en: sms('SMS_000000005', 'Order ${order} is unpaid; pay before ${due} or it is cancelled', {
        order: '{{ order.number }}',
        due: '{{ payment.dueAt }}',
      }),
      'zh-CN': sms('SMS_000000006', '订单${order}尚未付款，请在${due}前支付，逾期将自动取消', {
        order: '{{ order.number }}',
        due: '{{ payment.dueAt }}',
      }),
    },
  },
};
