import { secp256k1 } from "@noble/curves/secp256k1.js";
import { describe, expect, it } from "vitest";
import { fromHex } from "../../../adapters/exchanges/encoding.js";
import { orderWire } from "../../../adapters/exchanges/hyperliquid.js";
import { actionHash, addressOf, agentDigest, priceProblem, signL1Action, slippagePrice, toIntForHashing, toWire } from "../../../adapters/exchanges/hyperliquid-signing.js";
import { hex } from "./fakes.js";

// Vectors from the official Python SDK: hyperliquid-dex/hyperliquid-python-sdk, tests/signing_test.py.
const KEY = "0x0123456789012345678901234567890123456789012345678901234567890123";
const VAULT = "0x1719884eb866cb12b2287399b15f7db5e7d775ea";

type Expected = { r: string; s: string; v: number };

/** The SDK prints r and s with to_hex(int), dropping leading zeros: compare as numbers. */
function expectSig(actual: Expected, expected: Expected): void {
  expect(BigInt(actual.r)).toBe(BigInt(expected.r));
  expect(BigInt(actual.s)).toBe(BigInt(expected.s));
  expect(actual.v).toBe(expected.v);
  expect(actual.r).toMatch(/^0x[0-9a-f]{64}$/);
  expect(actual.s).toMatch(/^0x[0-9a-f]{64}$/);
}

const sign = (action: unknown, mainnet: boolean, vaultAddress: string | null = null) => signL1Action({ privateKey: KEY, action, vaultAddress, nonce: 0, mainnet });

const ethOrder = (cloid: string | null) => ({
  type: "order",
  orders: [orderWire({ asset: 1, isBuy: true, price: "100", size: "100", reduceOnly: false, tif: "Gtc", cloid })],
  grouping: "na",
});

describe("Hyperliquid L1 action signing (Python SDK vectors)", () => {
  it("when hashing the production ETH order then the phantom agent's connectionId matches", () => {
    const action = { type: "order", orders: [orderWire({ asset: 4, isBuy: true, price: "1670.1", size: "0.0147", reduceOnly: false, tif: "Ioc", cloid: null })], grouping: "na" };
    expect(hex(actionHash(action, null, 1677777606040))).toBe("0fcbeda5ae3c4950a548021552a4fea2226858c4453571bf3f24ba017eac2908");
  });

  it("when signing the dummy action then mainnet and testnet signatures match", () => {
    const action = { type: "dummy", num: toIntForHashing("1000") };
    expectSig(sign(action, true), { r: "0x53749d5b30552aeb2fca34b530185976545bb22d0b3ce6f62e31be961a59298", s: "0x755c40ba9bf05223521753995abb2f73ab3229be8ec921f350cb447e384d8ed8", v: 27 });
    expectSig(sign(action, false), { r: "0x542af61ef1f429707e3c76c5293c80d01f74ef853e34b76efffcb57e574f9510", s: "0x17b8b32f086e8cdede991f1e2c529f5dd5297cbe8128500e00cbaf766204a613", v: 28 });
  });

  it("when signing an order built by the client's wire builder then the signatures match", () => {
    expectSig(sign(ethOrder(null), true), { r: "0xd65369825a9df5d80099e513cce430311d7d26ddf477f5b3a33d2806b100d78e", s: "0x2b54116ff64054968aa237c20ca9ff68000f977c93289157748a3162b6ea940e", v: 28 });
    expectSig(sign(ethOrder(null), false), { r: "0x82b2ba28e76b3d761093aaded1b1cdad4960b3af30212b343fb2e6cdfa4e3d54", s: "0x6b53878fc99d26047f4d7e8c90eb98955a109f44209163f52d8dc4278cbbd9f5", v: 27 });
  });

  it("when the order carries a cloid then the signatures match", () => {
    const action = ethOrder("0x00000000000000000000000000000001");
    expectSig(sign(action, true), { r: "0x41ae18e8239a56cacbc5dad94d45d0b747e5da11ad564077fcac71277a946e3", s: "0x3c61f667e747404fe7eea8f90ab0e76cc12ce60270438b2058324681a00116da", v: 27 });
    expectSig(sign(action, false), { r: "0xeba0664bed2676fc4e5a743bf89e5c7501aa6d870bdb9446e122c9466c5cd16d", s: "0x7f3e74825c9114bc59086f1eebea2928c190fdfbfde144827cb02b85bbe90988", v: 28 });
  });

  it("when signing for a vault then the vault address is hashed in and the signatures match", () => {
    const action = { type: "dummy", num: toIntForHashing("1000") };
    expectSig(sign(action, true, VAULT), { r: "0x3c548db75e479f8012acf3000ca3a6b05606bc2ec0c29c50c515066a326239", s: "0x4d402be7396ce74fbba3795769cda45aec00dc3125a984f2a9f23177b190da2c", v: 28 });
    expectSig(sign(action, false, VAULT), { r: "0xe281d2fb5c6e25ca01601f878e4d69c965bb598b88fac58e475dd1f5e56c362b", s: "0x7ddad27e9a238d045c035bc606349d075d5c5cd00a6cd1da23ab5c39d4ef0f60", v: 27 });
  });

  it("when signing a TP/SL trigger order (wire built as the SDK does) then the signatures match", () => {
    const action = {
      type: "order",
      orders: [{ a: 1, b: true, p: "100", s: "100", r: false, t: { trigger: { isMarket: true, triggerPx: toWire("103"), tpsl: "sl" } } }],
      grouping: "na",
    };
    expectSig(sign(action, true), { r: "0x98343f2b5ae8e26bb2587daad3863bc70d8792b09af1841b6fdd530a2065a3f9", s: "0x6b5bb6bb0633b710aa22b721dd9dee6d083646a5f8e581a20b545be6c1feb405", v: 27 });
    expectSig(sign(action, false), { r: "0x971c554d917c44e0e1b6cc45d8f9404f32172a9d3b3566262347d0302896a2e4", s: "0x206257b104788f80450f8e786c329daa589aa0b32ba96948201ae556d5637eac", v: 28 });
  });

  it.each([
    [{ type: "createSubAccount", name: "example" }, "0x51096fe3239421d16b671e192f574ae24ae14329099b6db28e479b86cdd6caa7", "0xb71f7d293af92d3772572afb8b102d167a7cef7473388286bc01f52a5c5b423", 27],
    [{ type: "subAccountTransfer", subAccountUser: "0x1d9470d4b963f552e6f671a81619d395877bf409", isDeposit: true, usd: 10 }, "0x43592d7c6c7d816ece2e206f174be61249d651944932b13343f4d13f306ae602", "0x71a926cb5c9a7c01c3359ec4c4c34c16ff8107d610994d4de0e6430e5cc0f4c9", 28],
    [{ type: "scheduleCancel" }, "0x6cdfb286702f5917e76cd9b3b8bf678fcc49aec194c02a73e6d4f16891195df9", "0x6557ac307fa05d25b8d61f21fb8a938e703b3d9bf575f6717ba21ec61261b2a0", 27],
    [{ type: "scheduleCancel", time: 123456789 }, "0x609cb20c737945d070716dcc696ba030e9976fcf5edad87afa7d877493109d55", "0x16c685d63b5c7a04512d73f183b3d7a00da5406ff1f8aad33f8ae2163bab758b", 28],
  ])("when signing %j on mainnet then r, s, v match the SDK", (action, r, s, v) => {
    expectSig(sign(action, true), { r, s, v });
  });

  it("when the signature is checked then it recovers the signer's address", () => {
    const action = ethOrder(null);
    const sig = sign(action, true);
    const digest = agentDigest(actionHash(action, null, 0), true);
    const compact = fromHex(`${sig.r.slice(2)}${sig.s.slice(2)}`);
    const recovered = secp256k1.Signature.fromBytes(compact, "compact").addRecoveryBit(sig.v - 27).recoverPublicKey(digest).toBytes(false);
    expect(hex(recovered)).toBe(hex(secp256k1.getPublicKey(fromHex(KEY), false)));
    expect(addressOf(KEY)).toMatch(/^0x[0-9a-f]{40}$/);
  });
});

describe("Hyperliquid wire numbers", () => {
  it.each([
    ["1670.1", "1670.1"],
    ["0.0147", "0.0147"],
    ["100", "100"],
    ["100.00000000", "100"],
    ["-0", "0"],
    ["0.00000001", "0.00000001"],
    ["1e-8", "0.00000001"],
    ["123456789.12345678", "123456789.12345678"],
  ])("when %s goes on the wire then it reads %s", (input, wire) => {
    expect(toWire(input)).toBe(wire);
  });

  it("when a value needs more than 8 decimals then it is refused rather than rounded", () => {
    expect(() => toWire("0.000000001")).toThrow(RangeError);
  });

  it("when scaling for hashing then the SDK's float_to_int_for_hashing cases hold", () => {
    expect(toIntForHashing("123123123123")).toBe(12312312312300000000n);
    expect(toIntForHashing("0.00001231")).toBe(1231);
    expect(toIntForHashing("1.033")).toBe(103300000);
    expect(() => toIntForHashing("0.000012312312")).toThrow(RangeError);
  });

  it.each([
    ["1234.5", 0, false, null],
    ["123456", 5, false, null],
    ["1234.56", 0, false, "price 1234.56 has more than 5 significant figures"],
    ["0.001234", 2, false, "price 0.001234 has more than 4 decimals"],
    ["0.001234", 2, true, null],
  ] as const)("when the price is %s with szDecimals %i (spot %s) then the tick rule says %j", (price, sz, spot, problem) => {
    expect(priceProblem(price, sz, spot)).toBe(problem);
  });

  it("when a market buy needs a limit then it is mid + 5% at 5 significant figures", () => {
    expect(slippagePrice("113386.5", true, "0.05", 5, false)).toBe("119060");
    expect(slippagePrice("1891.4", false, "0.05", 4, false)).toBe("1796.8");
  });
});
