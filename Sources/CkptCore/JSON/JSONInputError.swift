/// Why a JSON document was refused.  The caller turns it into a 9900.
package struct JSONInputError: Error, Sendable {
    package var message: String
    /// How much of `message` holds no excerpt of the input.  (One String,
    /// not two: the debug build leaked a caught typed-throws error with two
    /// String members, which ASan's leak check found.)
    private var excerptFreeBytes: Int

    package init(message: String, messageWithoutExcerpt: String? = nil) {
        self.message = message
        excerptFreeBytes = messageWithoutExcerpt.map { $0.utf8.count } ?? message.utf8.count
    }

    /// The message without any excerpt of the input (jansson quotes up to 20
    /// bytes "near" an error): what may be shown of a text that could hold
    /// a secret, such as a service's answer.
    package var messageWithoutExcerpt: String {
        String(decoding: message.utf8.prefix(excerptFreeBytes), as: UTF8.self)
    }
}
