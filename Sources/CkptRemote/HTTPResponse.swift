/// What came back: any status, with the body and the headers the backend uses.
package struct HTTPResponse: Sendable {
    package var status: Int
    package var body: [UInt8]
    /// `X-Request-Id`.
    package var requestId: String?
    /// `Retry-After` in seconds (the HTTP-date form is not used by the service).
    package var retryAfterSeconds: Int64?
}
