#include <catch2/catch_test_macros.hpp>
#include <cerrno>

#include "netlink_ack.hpp"
#include "wire_builder.hpp"

using namespace om;
using om::test::WireBuilder;

namespace {

// The header of a request as an ack echoes it.
nlmsghdr request(std::uint32_t len)
{
	return nlmsghdr{len, 0x20, NLM_F_REQUEST | NLM_F_ACK, 1, 0};
}

KernelAck ack(int error, std::string message = {}, std::optional<std::uint32_t> offset = {},
	      std::optional<std::uint32_t> missing = {})
{
	KernelAck a;
	a.error = error;
	a.message = std::move(message);
	a.offset = offset;
	a.missing = missing;
	return a;
}

std::optional<KernelAck> parse(WireBuilder &w)
{
	const nlmsghdr *msg = w.message();
	return parse_ack(msg, w.size());
}

} // namespace

TEST_CASE("a capped ack: only the request's header is echoed", "[ack]")
{
	WireBuilder w(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS);
	w.put(nlmsgerr{-EINVAL, request(100000)});
	w.attr_string(NLMSGERR_ATTR_MSG, "node id out of range").attr_u32(NLMSGERR_ATTR_OFFS, 36);
	CHECK(parse(w) == ack(EINVAL, "node id out of range", 36));
}

TEST_CASE("an uncapped ack: the whole request is echoed before the TLVs", "[ack]")
{
	WireBuilder w(NLMSG_ERROR, NLM_F_ACK_TLVS);
	const char payload[13] = "0123456789ab";
	w.put(nlmsgerr{-EPERM, request(sizeof(nlmsghdr) + sizeof(payload))});
	w.raw(payload, sizeof(payload)).pad();
	w.attr_string(NLMSGERR_ATTR_MSG, "no").attr_u32(NLMSGERR_ATTR_MISS_TYPE, 9);
	CHECK(parse(w) == ack(EPERM, "no", std::nullopt, 9));
}

TEST_CASE("without NLM_F_ACK_TLVS there is no extended ack", "[ack]")
{
	WireBuilder w(NLMSG_ERROR, NLM_F_CAPPED);
	w.put(nlmsgerr{-ENOENT, request(16)});
	w.attr_string(NLMSGERR_ATTR_MSG, "ignored");
	CHECK(parse(w) == ack(ENOENT));
}

TEST_CASE("a plain ack is error 0", "[ack]")
{
	WireBuilder w(NLMSG_ERROR, NLM_F_CAPPED);
	w.put(nlmsgerr{0, request(16)});
	CHECK(parse(w) == ack(0));
}

TEST_CASE("NLMSG_DONE carries a dump's result and extended ack", "[ack]")
{
	WireBuilder failed(NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS);
	failed.put(-ENOBUFS).attr_string(NLMSGERR_ATTR_MSG, "dump failed");
	CHECK(parse(failed) == ack(ENOBUFS, "dump failed"));

	WireBuilder done(NLMSG_DONE, NLM_F_MULTI);
	done.put(0);
	CHECK(parse(done) == ack(0));

	WireBuilder bare(NLMSG_DONE, NLM_F_MULTI);
	CHECK(parse(bare) == ack(0));
}

TEST_CASE("broken acks keep what can be trusted", "[ack]")
{
	SECTION("a message string without its NUL is dropped") {
		WireBuilder w(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS);
		w.put(nlmsgerr{-EINVAL, request(16)});
		w.attr(NLMSGERR_ATTR_MSG, "abc", 3);
		CHECK(parse(w) == ack(EINVAL));
	}
	SECTION("an echoed length past the message hides the TLVs") {
		WireBuilder w(NLMSG_ERROR, NLM_F_ACK_TLVS);
		w.put(nlmsgerr{-EINVAL, request(0xffffffff)});
		w.attr_string(NLMSGERR_ATTR_MSG, "unreachable");
		CHECK(parse(w) == ack(EINVAL));
	}
	SECTION("a positive error is no errno") {
		WireBuilder w(NLMSG_ERROR, NLM_F_CAPPED);
		w.put(nlmsgerr{5, request(16)});
		CHECK(parse(w) == ack(EPROTO));
	}
}

TEST_CASE("what is not an ack, or is cut short, is nothing", "[ack]")
{
	WireBuilder data(0x20, 0);
	data.put(0);
	CHECK_FALSE(parse(data));

	WireBuilder cut(NLMSG_ERROR, 0);
	cut.put(-EINVAL);	// nlmsgerr needs 20 bytes
	CHECK_FALSE(parse(cut));

	WireBuilder longer(NLMSG_ERROR, 0);
	longer.put(nlmsgerr{-EINVAL, request(16)});
	const nlmsghdr *msg = longer.message();
	CHECK_FALSE(parse_ack(msg, longer.size() - 1));
	CHECK_FALSE(parse_ack(msg, 8));
}
