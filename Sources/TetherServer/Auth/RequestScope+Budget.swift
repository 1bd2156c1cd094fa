extension RequestScope {
    /// The address the abuse budgets count the request against: the client's IP, or `unknown`
    /// when the server saw none (requests made in process), which then share one budget.
    var budgetAddress: String {
        self.clientAddress ?? "unknown"
    }
}
