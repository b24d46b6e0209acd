// The identity provider's own pages, in Simplified Chinese: sign-in, sign-out and errors. Plain HTML
// with a label per field and no script, readable on a phone; nothing is loaded from anywhere else.
import type { DevUser } from './dev-users';

const ROLE_LABELS: Record<DevUser['claims']['role'], string> = {
  clerk: '医院登记员',
  officer: '部门审核员',
  admin: '运维管理员',
  hallClerk: '政务服务大厅窗口人员',
};

export function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const STYLE = `
  *{box-sizing:border-box}
  body{margin:0;font:16px/1.6 "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;color:#1f2329;background:#f2f3f5}
  main{max-width:26rem;margin:0 auto;padding:1.5rem 1rem}
  h1{font-size:1.35rem;margin:0 0 .25rem}
  .sub{margin:0 0 1.25rem;color:#4e5969}
  form,.card{background:#fff;border-radius:8px;padding:1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
  label{display:block;font-weight:600;margin:.75rem 0 .25rem}
  input{width:100%;font-size:1rem;padding:.65rem .75rem;border:1px solid #86909c;border-radius:6px}
  input:focus,button:focus,a:focus{outline:3px solid #0e42d2;outline-offset:2px}
  button{width:100%;margin-top:1.25rem;font-size:1rem;font-weight:600;padding:.75rem;border:0;border-radius:6px;background:#0e42d2;color:#fff;cursor:pointer}
  button.secondary{background:#fff;color:#0e42d2;border:1px solid #0e42d2}
  .error{color:#a1151e;background:#fff0f0;border:1px solid #f5c2c2;border-radius:6px;padding:.5rem .75rem;margin:0 0 .5rem}
  .dev{margin-top:1.25rem;font-size:.9rem;color:#4e5969}
  .dev table{width:100%;border-collapse:collapse}
  .dev th,.dev td{text-align:left;padding:.25rem .25rem;border-bottom:1px solid #e5e6eb;word-break:break-all}
  a{color:#0e42d2}
`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${htmlEscape(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

export interface SignInPage {
  uid: string;
  clientName: string;
  username?: string;
  error?: string;
  /** the development users, listed on the development stack only */
  devUsers?: readonly DevUser[];
}

export function signInPage(p: SignInPage): string {
  const errorId = 'signin-error';
  const described = p.error ? ` aria-describedby="${errorId}" aria-invalid="true"` : '';
  const users = p.devUsers?.length
    ? `<section class="dev" aria-labelledby="dev-title">
  <h2 id="dev-title" style="font-size:1rem;margin:.5rem 0">开发环境账号（密码相同，见 README）</h2>
  <table>
    <thead><tr><th scope="col">账号</th><th scope="col">角色</th></tr></thead>
    <tbody>
${p.devUsers.map((u) => `      <tr><td>${htmlEscape(u.id)}</td><td>${htmlEscape(u.name || ROLE_LABELS[u.claims.role])}</td></tr>`).join('\n')}
    </tbody>
  </table>
</section>`
    : '';
  return page(
    '工作人员登录 · 出生一件事',
    `<h1>工作人员登录</h1>
<p class="sub">登录后进入「${htmlEscape(p.clientName)}」</p>
<form method="post" action="/interaction/${encodeURIComponent(p.uid)}/login" novalidate>
  ${p.error ? `<p class="error" id="${errorId}" role="alert">${htmlEscape(p.error)}</p>` : ''}
  <label for="username">账号</label>
  <input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="128" value="${htmlEscape(p.username ?? '')}"${described}${p.error ? '' : ' autofocus'}>
  <label for="password">密码</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256"${described}${p.error ? ' autofocus' : ''}>
  <button type="submit">登录</button>
</form>
<p><a href="/interaction/${encodeURIComponent(p.uid)}/abort">取消登录</a></p>
${users}`,
  );
}

/** The sign-out confirmation: `form` is the provider's own hidden form (with its CSRF field). */
export function signOutPage(form: string): string {
  return page(
    '退出登录 · 出生一件事',
    `<h1>退出登录</h1>
<div class="card">
  <p>确定要退出登录吗？</p>
  ${form}
  <button type="submit" form="op.logoutForm" value="yes" name="logout">退出登录</button>
  <button type="submit" form="op.logoutForm" class="secondary">保持登录</button>
</div>`,
  );
}

export function signedOutPage(): string {
  return page('已退出登录 · 出生一件事', '<h1>已退出登录</h1>\n<div class="card"><p>您已安全退出。如需继续办理，请重新登录。</p></div>');
}

/** An error page: the OAuth error code only (its description may echo request input, and is not for staff). */
export function errorPage(code: string): string {
  return page(
    '登录出错 · 出生一件事',
    `<h1>登录出错</h1>
<div class="card">
  <p>无法完成登录，请返回系统重新登录。</p>
  <p>错误代码：<code>${htmlEscape(code)}</code></p>
</div>`,
  );
}
