/// A value to bind into a statement built at run time (a list's filters).
enum SQLValue {
    case int(Int64)
    case text(String)
    case blob([UInt8])
}
