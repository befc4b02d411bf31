/**
 * What a reverse proxy answers when the server behind it is slower than its timeout: 504 with its
 * own HTML page, while the server carries on and may still commit. On-premise Service Layers sit
 * behind Apache (the balancer `b1s.conf` configures); nginx is the other common front.
 */
export const GATEWAY_STYLES = ['apache', 'nginx'] as const;
export type GatewayStyle = (typeof GATEWAY_STYLES)[number];

const APACHE = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>504 Gateway Timeout</title>
</head><body>
<h1>Gateway Timeout</h1>
<p>The gateway did not receive a timely response
from the upstream server or application.</p>
</body></html>
`;

const NGINX = `<html>
<head><title>504 Gateway Time-out</title></head>
<body>
<center><h1>504 Gateway Time-out</h1></center>
<hr><center>nginx</center>
</body>
</html>
`;

export interface GatewayTimeoutAnswer {
  status: 504;
  contentType: string;
  body: string;
}

export function gatewayTimeout(style: GatewayStyle): GatewayTimeoutAnswer {
  return style === 'apache'
    ? { status: 504, contentType: 'text/html; charset=iso-8859-1', body: APACHE }
    : { status: 504, contentType: 'text/html', body: NGINX };
}
