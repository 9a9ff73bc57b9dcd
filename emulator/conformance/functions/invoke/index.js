// The `invoke` function that the upstream suite's account has deployed: echoes its event.
exports.main = async (event) => event;
