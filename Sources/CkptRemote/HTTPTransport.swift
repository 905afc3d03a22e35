import CCurl
import CLazyLibs
import CkptCore
import CkptWire
#if canImport(Glibc)
import Glibc
#endif

/// HTTP over libcurl easy handles.
///
/// Thread model: each request takes an easy handle from a mutex-protected
/// free list (or makes one), uses it on the calling thread only, and puts it
/// back, so connections (and TLS sessions) are reused across calls and many
/// threads can have a request in flight at once.
package final class HTTPTransport: @unchecked Sendable {
    private let connectTimeoutMs: Int64
    private let caFile: String?
    private let insecure: Bool
    private let proxy: String?
    private let maxResponseBytes: Int
    /// Idle multi handles beyond this many are freed rather than kept.
    private let maxIdle = 8

    private let lock = Lock()
    // Guarded by `lock`.  Connections are reused through these multi
    // handles' caches; easy handles are never reused: libcurl 7.88 (Debian
    // 12) corrupts its heap when a reused easy handle meets a reply that
    // starts with a folded header (curl#11101).
    private var idle: [MultiHandle] = []
    private var closed = false

    /// - Throws: class `network`, naming libcurl.so.4, when libcurl cannot
    ///   be loaded (it is loaded here, once per process, not with libckpt).
    package init(config: RemoteConfig) throws(CkptError) {
        try LazyLibrary.load(ckpt_shim_curl_load)
        connectTimeoutMs = config.connectTimeoutMs
        caFile = config.caFile
        insecure = config.insecure
        proxy = config.proxy
        maxResponseBytes = config.maxResponseBytes
    }

    /// Frees the idle handles; requests in flight finish, later ones fail.
    package func close() {
        let handles = lock.withLock { () -> [MultiHandle] in
            closed = true
            defer { idle = [] }
            return idle
        }
        _ = handles // freed here, outside the lock
    }

    /// Sends one request and waits for the whole response.
    ///
    /// - Parameters:
    ///   - timeoutMs: the limit for this attempt (connecting included).
    ///   - freshConnection: open a new connection rather than reuse one.  A
    ///     create needs it: libcurl silently re-sends a request once when a
    ///     reused connection turns out to be closed, and the server may have
    ///     acted on the first copy.
    package func perform(_ request: HTTPRequest, timeoutMs: Int64,
                         freshConnection: Bool) -> Result<HTTPResponse, TransportFailure>
    {
        let acquired = lock.withLock { () -> (closed: Bool, multi: MultiHandle?) in
            (closed, closed ? nil : idle.popLast())
        }
        if acquired.closed { return .failure(Self.local(.invalid, "the client is closed")) }
        guard let multi = acquired.multi ?? MultiHandle(), let handle = EasyHandle() else {
            return .failure(Self.local(.internal, "libcurl could not create a handle"))
        }
        let result = run(request, on: handle, multi: multi, timeoutMs: timeoutMs, freshConnection: freshConnection)
        lock.withLock {
            if !closed && idle.count < maxIdle { idle.append(multi) }
        }
        return result
    }

    private static func local(_ errorClass: ErrorClass, _ message: String) -> TransportFailure {
        TransportFailure(errorClass: errorClass, message: message, requestSent: false, transient: false)
    }

    private func run(_ request: HTTPRequest, on handle: EasyHandle, multi: MultiHandle, timeoutMs: Int64,
                     freshConnection: Bool) -> Result<HTTPResponse, TransportFailure>
    {
        let curl = handle.curl
        handle.errorBuffer[0] = 0
        let sink = ResponseSink(limit: maxResponseBytes)

        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { ckpt_shim_curl_slist_free_all(headerList) }
        // An empty `Expect:` stops libcurl from adding `Expect: 100-continue`.
        for line in request.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] {
            guard let next = ckpt_shim_curl_slist_append(headerList, line) else {
                return .failure(Self.local(.internal, "out of memory building the request headers"))
            }
            headerList = next
        }

        let timeout = max(1, timeoutMs)
        var ok = true
        func set(_ option: CURLoption, _ value: Int) { ok = ok && ckpt_shim_curl_setopt_long(curl, option, value) == CURLE_OK }
        func set(_ option: CURLoption, _ value: String) { ok = ok && ckpt_shim_curl_setopt_string(curl, option, value) == CURLE_OK }
        func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) {
            ok = ok && ckpt_shim_curl_setopt_pointer(curl, option, pointer) == CURLE_OK
        }

        set(CURLOPT_URL, request.url)
        set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(handle.errorBuffer))
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_TIMEOUT_MS, Int(clamping: timeout))
        set(CURLOPT_CONNECTTIMEOUT_MS, Int(clamping: min(connectTimeoutMs, timeout)))
        set(CURLOPT_HTTPHEADER, pointer: UnsafeMutableRawPointer(headerList))
        set(CURLOPT_FRESH_CONNECT, freshConnection ? 1 : 0)
        set(CURLOPT_TCP_KEEPALIVE, 1)
        set(CURLOPT_SSL_VERIFYPEER, insecure ? 0 : 1)
        set(CURLOPT_SSL_VERIFYHOST, insecure ? 0 : 2)
        if let caFile { set(CURLOPT_CAINFO, caFile) }
        // Only the configured proxy: an empty string also turns off the
        // http_proxy/https_proxy environment variables libcurl would read.
        set(CURLOPT_PROXY, proxy ?? "")
        ok = ok && ckpt_shim_curl_setopt_off(curl, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maxResponseBytes)) == CURLE_OK
        // Redirects are not followed (the default), and only HTTP(S) is spoken.
        _ = ckpt_shim_curl_setopt_string(curl, CURLOPT_PROTOCOLS_STR, "http,https")

        let user = Unmanaged.passUnretained(sink).toOpaque()
        set(CURLOPT_WRITEDATA, pointer: user)
        set(CURLOPT_HEADERDATA, pointer: user)
        let onBody: ckpt_shim_curl_data_fn = { data, size, count, user in
            guard let data, let user else { return 0 }
            return Unmanaged<ResponseSink>.fromOpaque(user).takeUnretainedValue().body(data, size, count)
        }
        let onHeader: ckpt_shim_curl_data_fn = { data, size, count, user in
            guard let data, let user else { return 0 }
            return Unmanaged<ResponseSink>.fromOpaque(user).takeUnretainedValue().header(data, size, count)
        }
        ok = ok && ckpt_shim_curl_setopt_callback(curl, CURLOPT_WRITEFUNCTION, onBody) == CURLE_OK
        ok = ok && ckpt_shim_curl_setopt_callback(curl, CURLOPT_HEADERFUNCTION, onHeader) == CURLE_OK

        // Never an empty buffer, so POSTFIELDS is never NULL (which would make
        // libcurl read the body from stdin).
        let bodyCount = request.body.count
        var body = request.body.isEmpty ? [0] : request.body
        return body.withUnsafeMutableBytes { (bytes) -> Result<HTTPResponse, TransportFailure> in
            switch request.method {
            case "GET":
                set(CURLOPT_HTTPGET, 1)
            case "POST", "PUT":
                set(CURLOPT_POST, 1)
                ok = ok && ckpt_shim_curl_setopt_off(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bodyCount)) == CURLE_OK
                // libcurl reads the body during curl_easy_perform, inside this closure.
                set(CURLOPT_POSTFIELDS, pointer: bytes.baseAddress)
                // A PUT is a POST with another method name: the body is sent the same way.
                if request.method == "PUT" { set(CURLOPT_CUSTOMREQUEST, "PUT") }
            default:
                set(CURLOPT_CUSTOMREQUEST, request.method)
            }
            guard ok else { return .failure(Self.local(.internal, "libcurl refused a request option")) }

            let code = withExtendedLifetime(sink) { ckpt_shim_curl_perform_on(multi.multi, curl) }
            if code == CURLE_OK {
                var status = 0
                _ = ckpt_shim_curl_getinfo_long(curl, CURLINFO_RESPONSE_CODE, &status)
                return .success(HTTPResponse(status: status, body: sink.body, requestId: sink.requestId,
                                             retryAfterSeconds: sink.retryAfterSeconds))
            }
            var pretransfer: curl_off_t = 0
            _ = ckpt_shim_curl_getinfo_off(curl, CURLINFO_PRETRANSFER_TIME_T, &pretransfer)
            return .failure(failure(code, handle: handle, sink: sink, timeoutMs: timeout,
                                    reachedTransfer: pretransfer > 0))
        }
    }

    /// Classifies a libcurl error.
    private func failure(_ code: CURLcode, handle: EasyHandle, sink: ResponseSink, timeoutMs: Int64,
                         reachedTransfer: Bool) -> TransportFailure
    {
        let detail: String = {
            let text = String(cString: handle.errorBuffer)
            if !text.isEmpty { return text }
            guard let s = ckpt_shim_curl_easy_strerror(code) else { return "libcurl error \(code.rawValue)" }
            return String(cString: s)
        }()
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return TransportFailure(errorClass: .timeout, message: "the request timed out (\(detail))",
                                    requestSent: reachedTransfer, transient: true)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT, CURLE_SSL_CONNECT_ERROR:
            return TransportFailure(errorClass: .network, message: "could not connect: \(detail)",
                                    requestSent: false, transient: true)
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_HTTP2,
             CURLE_HTTP2_STREAM, CURLE_WEIRD_SERVER_REPLY:
            return TransportFailure(errorClass: .network, message: "the connection failed: \(detail)",
                                    requestSent: true, transient: true)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE,
             CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
             CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            return TransportFailure(errorClass: .network, message: "TLS failed: \(detail)",
                                    requestSent: false, transient: false)
        case CURLE_FILESIZE_EXCEEDED:
            return TransportFailure(errorClass: .remote,
                                    message: "the response body is larger than \(maxResponseBytes) bytes",
                                    requestSent: true, transient: false)
        case CURLE_WRITE_ERROR where sink.tooLarge:
            return TransportFailure(errorClass: .remote,
                                    message: "the response body is larger than \(maxResponseBytes) bytes",
                                    requestSent: true, transient: false)
        case _ where code != CURLE_OUT_OF_MEMORY && (reachedTransfer || sink.receivedAnything):
            // The server answered something libcurl could not take (a status
            // below 100, a folded header after a 1xx): the service's fault.
            return TransportFailure(errorClass: .remote, message: "the service answered garbage: \(detail)",
                                    requestSent: true, transient: false)
        case CURLE_OUT_OF_MEMORY, CURLE_BAD_FUNCTION_ARGUMENT, CURLE_FAILED_INIT, CURLE_URL_MALFORMAT,
             CURLE_UNSUPPORTED_PROTOCOL, CURLE_NOT_BUILT_IN, CURLE_UNKNOWN_OPTION, CURLE_WRITE_ERROR:
            return TransportFailure(errorClass: .internal, message: "libcurl failed: \(detail)",
                                    requestSent: reachedTransfer, transient: false)
        default:
            return TransportFailure(errorClass: .network, message: "the request failed: \(detail)",
                                    requestSent: true, transient: false)
        }
    }
}

/// One libcurl multi handle (and so one connection cache).  Used by one
/// thread at a time.
private final class MultiHandle {
    let multi: UnsafeMutableRawPointer

    init?() {
        guard let multi = ckpt_shim_curl_multi_init() else { return nil }
        self.multi = multi
    }

    deinit { ckpt_shim_curl_multi_cleanup(multi) }
}

/// One libcurl easy handle and its error buffer, for one request.
private final class EasyHandle {
    let curl: UnsafeMutableRawPointer
    let errorBuffer: UnsafeMutablePointer<CChar>

    init?() {
        guard let curl = ckpt_shim_curl_easy_init() else { return nil }
        self.curl = curl
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        ckpt_shim_curl_easy_cleanup(curl)
        errorBuffer.deallocate()
    }
}

/// Collects a response as libcurl delivers it, refusing bodies over the limit.
private final class ResponseSink {
    let limit: Int
    var body: [UInt8] = []
    var tooLarge = false
    /// Whether any header or body byte of the answer arrived.
    var receivedAnything = false
    var requestId: String?
    var retryAfterSeconds: Int64?

    init(limit: Int) { self.limit = limit }

    /// CURLOPT_WRITEFUNCTION: a short count makes libcurl abort the transfer.
    func body(_ data: UnsafeMutablePointer<CChar>, _ size: Int, _ count: Int) -> Int {
        receivedAnything = true
        let (n, overflow) = size.multipliedReportingOverflow(by: count)
        guard !overflow, n >= 0 else { return 0 }
        guard n <= limit &- body.count else {
            tooLarge = true
            return 0
        }
        body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: n))
        return n
    }

    /// CURLOPT_HEADERFUNCTION: one header line at a time, CRLF included.
    func header(_ data: UnsafeMutablePointer<CChar>, _ size: Int, _ count: Int) -> Int {
        receivedAnything = true
        let (n, overflow) = size.multipliedReportingOverflow(by: count)
        guard !overflow, n >= 0 else { return 0 }
        let line = UnsafeRawBufferPointer(start: data, count: n)
        if line.starts(with: "HTTP/".utf8) {
            // A new response (after a 100 Continue, say): forget the last one's headers.
            requestId = nil
            retryAfterSeconds = nil
            return n
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return n }
        let name = HTTPHeader.lowercased(String(decoding: line[..<colon], as: UTF8.self))
        let value = HTTPHeader.trimmed(String(decoding: line[(colon + 1)...], as: UTF8.self))
        switch name {
        case "x-request-id":
            // Shown to users, so only a bounded, printable value.
            if !value.isEmpty && value.utf8.count <= 256 && HTTPHeader.isSafeValue(value) { requestId = value }
        case "retry-after":
            if value.utf8.count <= 9, value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let s = Int64(value) {
                retryAfterSeconds = s
            }
        default:
            break
        }
        return n
    }
}
