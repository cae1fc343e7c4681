// What the server refuses, and why, in Vietnamese and English: each code with its HTTP status and
// sentences ({name} filled from the params). Every refusal goes out as
// { error: { code, message: { vi, en }, params?, issues? } } and is logged.

export const SERVER_MESSAGES = {
  'request.invalid': { status: 400, vi: 'Yêu cầu không hợp lệ: {detail}', en: 'The request is not valid: {detail}' },
  'request.too-large': {
    status: 413,
    vi: 'Dữ liệu gửi lên quá lớn (tối đa {limit} MB); hãy gửi thành nhiều phần.',
    en: 'The request is too large (at most {limit} MB); send it in parts.',
  },
  'request.unsupported-type': { status: 415, vi: 'Máy chủ chỉ nhận dữ liệu JSON.', en: 'The server accepts JSON only.' },
  'route.not-found': { status: 404, vi: 'Không có địa chỉ này.', en: 'No such address.' },
  'auth.required': { status: 401, vi: 'Cần đăng nhập.', en: 'Please log in.' },
  'auth.session-expired': { status: 401, vi: 'Phiên đăng nhập đã hết hạn; hãy đăng nhập lại.', en: 'Your session has expired; please log in again.' },
  'auth.invalid': { status: 401, vi: 'Sai tên đăng nhập hoặc mật khẩu.', en: 'Wrong user name or password.' },
  'auth.rate-limited': { status: 429, vi: 'Đăng nhập sai quá nhiều lần; hãy thử lại sau {minutes} phút.', en: 'Too many failed logins; try again in {minutes} minutes.' },
  'csrf.invalid': {
    status: 403,
    vi: 'Thiếu hoặc sai mã chống giả mạo yêu cầu (CSRF); hãy tải lại trang.',
    en: 'The anti-forgery (CSRF) token is missing or wrong; reload the page.',
  },
  'role.forbidden': { status: 403, vi: 'Vai trò của bạn không được làm việc này.', en: 'Your role does not allow this.' },
  'organisation.not-found': { status: 404, vi: 'Không tìm thấy đơn vị này.', en: 'No such organisation.' },
  'user.exists': { status: 409, vi: 'Tên đăng nhập "{username}" đã có.', en: 'The user name "{username}" is taken.' },
  'workbook.not-found': { status: 404, vi: 'Không tìm thấy sổ kế hoạch này, hoặc bạn không được xem nó.', en: 'No such workbook, or you may not see it.' },
  'workbook.exists': { status: 409, vi: 'Đã có một sổ kế hoạch mang mã này.', en: 'A workbook with this id exists already.' },
  'op.id-reused': {
    status: 409,
    vi: 'Mã thao tác {opId} đã được dùng cho một thay đổi khác; thao tác bị từ chối.',
    en: 'Operation id {opId} was used for another change; the operation is refused.',
  },
  'op.wrong-workbook': { status: 400, vi: 'Thao tác {opId} ghi vào một sổ khác: {detail}', en: 'Operation {opId} writes to another workbook: {detail}' },
  'op.base-ahead': {
    status: 400,
    vi: 'Thao tác {opId} nói đã thấy phiên bản {baseSeq}, nhưng sổ mới ở phiên bản {lastSeq}.',
    en: 'Operation {opId} claims version {baseSeq}, but the workbook is at {lastSeq}.',
  },
  'op.scenario-unknown': {
    status: 400,
    vi: 'Thao tác {opId} sửa các dòng của một phương án không có trong sổ ({scenarioId}).',
    en: 'Operation {opId} edits lines of a scenario the workbook does not have ({scenarioId}).',
  },
  'version.not-found': {
    status: 404,
    vi: 'Sổ này chưa có phiên bản {seq} (phiên bản mới nhất là {lastSeq}).',
    en: 'This workbook has no version {seq} yet (the newest is {lastSeq}).',
  },
  'submission.not-found': { status: 404, vi: 'Không tìm thấy bản gửi này, hoặc bạn không được xem nó.', en: 'No such submission, or you may not see it.' },
  'submission.state': { status: 409, vi: 'Không thể làm việc này khi bản gửi đang ở trạng thái "{state}".', en: 'Not possible while the submission is "{state}".' },
  'submission.district-only': { status: 400, vi: 'Chỉ sổ của cấp huyện mới gửi lên tỉnh.', en: 'Only a district’s workbook is sent to the province.' },
  'conflict.not-found': { status: 404, vi: 'Sổ này không có xung đột số {id}.', en: 'This workbook has no conflict {id}.' },
  'conflict.decided': {
    status: 409,
    vi: 'Xung đột số {id} đã được {who} xử lý trước ({decision}); quyết định đầu tiên được giữ.',
    en: 'Conflict {id} was already settled by {who} ({decision}); the first decision stands.',
  },
  'server.error': { status: 500, vi: 'Máy chủ gặp lỗi; hãy thử lại sau.', en: 'The server failed; try again later.' },
  'server.database-down': {
    status: 503,
    vi: 'Máy chủ tạm thời không kết nối được cơ sở dữ liệu; hãy thử lại sau ít phút.',
    en: 'The server cannot reach its database for now; try again in a few minutes.',
  },
} as const satisfies Record<string, { status: number; vi: string; en: string }>;

export type ServerErrorCode = keyof typeof SERVER_MESSAGES;

export type Params = Record<string, string | number>;

/** An expected refusal as a value: a code and what fills its sentences. */
export interface ServerProblem {
  code: ServerErrorCode;
  params?: Params;
  /** For request.invalid: where in the body, and what is wrong there. */
  issues?: { path: string; message: string }[];
}

export type ServerResult<T> = { ok: true; value: T } | { ok: false; error: ServerProblem };

export const done = <T>(value: T): ServerResult<T> => ({ ok: true, value });
export const refused = <T = never>(code: ServerErrorCode, params?: Params): ServerResult<T> => ({ ok: false, error: { code, params } });

function fill(text: string, params: Params = {}): string {
  return text.replace(/\{(\w+)\}/g, (_, k: string) => (k in params ? String(params[k]) : `{${k}}`));
}

/** The HTTP status and body of a refusal. */
export function describeRefusal(p: ServerProblem): {
  status: number;
  body: { error: { code: ServerErrorCode; message: { vi: string; en: string }; params?: Params; issues?: ServerProblem['issues'] } };
} {
  const m = SERVER_MESSAGES[p.code];
  const error = {
    code: p.code,
    message: { vi: fill(m.vi, p.params), en: fill(m.en, p.params) },
    ...(p.params ? { params: p.params } : {}),
    ...(p.issues ? { issues: p.issues } : {}),
  };
  return { status: m.status, body: { error } };
}
