#include "nl_exchange.hpp"

#include <cerrno>
#include <cstring>
#include <exception>
#include <fmt/format.h>
#include <netlink/genl/genl.h>
#include <optional>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include "genl_client.hpp"
#include "netlink_ack.hpp"
#include "nl_handles.hpp"

namespace om {

namespace {

// State shared with the libnl callbacks. They run inside libnl's C frames,
// which exceptions must not cross: a failure is parked here instead.
struct Exchange {
	explicit Exchange(const ReplyHandler &handler) : on_reply(handler) {}

	const ReplyHandler &on_reply;
	bool done = false;
	bool interrupted = false;
	std::optional<KernelAck> refusal;
	std::exception_ptr failure;
};

Exchange &state(void *arg)
{
	return *static_cast<Exchange *>(arg);
}

int on_valid(nl_msg *msg, void *arg)
{
	Exchange &x = state(arg);
	nlmsghdr *nlh = nlmsg_hdr(msg);
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		x.interrupted = true;
	// After a failure, read on to the end of the answer but skip the rest:
	// whatever is left unread would be taken for the answer to the next
	// request on this socket.
	if (x.failure)
		return NL_OK;
	try {
		x.on_reply(nlh);
	} catch (...) {
		x.failure = std::current_exception();
	}
	return NL_OK;
}

// NLMSG_DONE carries the dump's own result: a dump can fail midway.
int on_finish(nl_msg *msg, void *arg)
{
	Exchange &x = state(arg);
	const nlmsghdr *nlh = nlmsg_hdr(msg);
	if (auto ack = parse_ack(nlh, nlh->nlmsg_len); ack && ack->error)
		x.refusal = std::move(ack);
	x.done = true;
	return NL_STOP;
}

int on_ack(nl_msg *, void *arg)
{
	state(arg).done = true;
	return NL_STOP;
}

int on_error(sockaddr_nl *, nlmsgerr *err, void *arg)
{
	Exchange &x = state(arg);
	// libnl passes the payload only. The header, whose flags say whether the
	// ack was capped and carries an extended ack, sits just before it.
	const auto *nlh = reinterpret_cast<const nlmsghdr *>(
		reinterpret_cast<const std::uint8_t *>(err) - NLMSG_HDRLEN);
	x.refusal = parse_ack(nlh, nlh->nlmsg_len);
	if (!x.refusal) {
		x.refusal.emplace();
		x.refusal->error = -err->error;
	}
	x.done = true;
	return NL_STOP;
}

NlCbPtr callbacks(Exchange &x)
{
	NlCbPtr cb(nl_cb_alloc(NL_CB_DEFAULT));
	if (!cb)
		throw std::bad_alloc();
	nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_valid, &x);
	nl_cb_set(cb.get(), NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &x);
	nl_cb_set(cb.get(), NL_CB_ACK, NL_CB_CUSTOM, on_ack, &x);
	nl_cb_err(cb.get(), NL_CB_CUSTOM, on_error, &x);
	return cb;
}

KernelError refusal_error(std::string_view action, const KernelAck &ack,
			  const Landmarks *landmarks)
{
	std::string message = ack.message;
	if (message.empty() && ack.missing)
		message = fmt::format("the request lacks attribute {}", *ack.missing);
	const std::string_view where =
		landmarks && ack.offset ? landmarks->find(*ack.offset) : std::string_view{};
	return KernelError::refused(action, ack.error, std::move(message), where);
}

// A failure inside libnl or the socket, not a kernel answer.
KernelError libnl_error(std::string_view action, int nlerr)
{
	return {EIO, "", fmt::format("{} failed: {}", action, nl_geterror(nlerr))};
}

// A full map is one request of 256 KiB. The kernel clamps this to twice
// net.core.wmem_max (and rmem_max), 416 KiB with the defaults: enough.
constexpr int kSocketBuffer = 1 << 20;

// Ask for extended acks (the kernel's reason for a refusal) and for acks
// capped to the request's header: without that, refusing a map would echo
// all of it back.
void enable_ext_ack(nl_sock *sock)
{
	const int one = 1;
	const int fd = nl_socket_get_fd(sock);
	for (const int option : {NETLINK_EXT_ACK, NETLINK_CAP_ACK})
		if (setsockopt(fd, SOL_NETLINK, option, &one, sizeof(one)) < 0)
			spdlog::debug("netlink socket option {}: {}", option, std::strerror(errno));
}

} // namespace

NlSockPtr open_genl_socket()
{
	NlSockPtr sock(nl_socket_alloc());
	if (!sock)
		throw std::bad_alloc();
	if (const int rc = genl_connect(sock.get()); rc < 0)
		throw KernelError(EIO, "", fmt::format("cannot open a generic netlink socket: {}",
						       nl_geterror(rc)));
	enable_ext_ack(sock.get());
	if (const int rc = nl_socket_set_buffer_size(sock.get(), kSocketBuffer, kSocketBuffer); rc < 0)
		spdlog::debug("netlink socket buffers: {}", nl_geterror(rc));
	// Size each read by peeking, so that no reply is ever cut short.
	nl_socket_enable_msg_peek(sock.get());
	return sock;
}

bool exchange(nl_sock *sock, nl_msg *msg, std::string_view action,
	      const ReplyHandler &on_reply, const Landmarks *landmarks)
{
	Exchange x(on_reply);
	const NlCbPtr cb = callbacks(x);
	if (const int rc = nl_send_auto(sock, msg); rc < 0)
		throw libnl_error(action, rc);
	while (!x.done) {
		const int rc = nl_recvmsgs(sock, cb.get());
		if (x.refusal)
			throw refusal_error(action, *x.refusal, landmarks);
		if (rc < 0)
			throw libnl_error(action, rc);
	}
	if (x.failure)
		std::rethrow_exception(x.failure);
	return x.interrupted;
}

} // namespace om
