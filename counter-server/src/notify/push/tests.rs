use ring::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};
use serde_json::{Value, json};

use super::*;

fn b64(s: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD_INDIFFERENT.decode(s).unwrap()
}

/// RFC 8291 Appendix A: with its keys, ECDH secret and salt, the exact body it gives.
#[test]
fn encrypts_the_rfc_8291_example() {
    let ua_public = b64(
        "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
    );
    let as_public = b64(
        "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8",
    );
    let ecdh_secret = b64("kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs");
    let auth = b64("BTBZMqHH6r4Tts7J_aSIgg");
    let salt: [u8; 16] = b64("DGv6ra1nlYgDCS1FRnbzlw").try_into().unwrap();
    let body = seal(
        &ecdh_secret,
        &ua_public,
        &as_public,
        &auth,
        &salt,
        b"When I grow up, I want to be a watermelon",
    );
    assert_eq!(
        URL_SAFE_NO_PAD.encode(body),
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYW\
         AmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgS\
         xsj_Qulcy4a-fN"
    );
}

/// A browser's side: its key pair (ring's, usable once) and a subscription for it.
fn browser() -> (agreement::EphemeralPrivateKey, Subscription) {
    let rng = SystemRandom::new();
    let private = agreement::EphemeralPrivateKey::generate(&agreement::ECDH_P256, &rng).unwrap();
    let public = private.compute_public_key().unwrap();
    let mut auth = [0u8; 16];
    rng.fill(&mut auth).unwrap();
    let sub = Subscription {
        endpoint: "https://push.example.net/wpush/v2/abc".into(),
        p256dh: URL_SAFE_NO_PAD.encode(public.as_ref()),
        auth: URL_SAFE_NO_PAD.encode(auth),
    };
    (private, sub)
}

/// What the browser does with a body: the ECDH with the sender's key in the header, then the
/// RFC's derivation (pinned by the example above), then AES-GCM.
fn decrypt(private: agreement::EphemeralPrivateKey, sub: &Subscription, body: &[u8]) -> Vec<u8> {
    let (salt, rest) = body.split_at(16);
    assert_eq!(rest[..4], RECORD_SIZE.to_be_bytes());
    assert_eq!(rest[4], 65);
    let (as_public, record) = rest[5..].split_at(65);
    let peer = agreement::UnparsedPublicKey::new(&agreement::ECDH_P256, as_public);
    let ua_public = b64(&sub.p256dh);
    let auth = b64(&sub.auth);
    let secret = agreement::agree_ephemeral(private, &peer, <[u8]>::to_vec).unwrap();
    let prk_key = hkdf::Salt::new(hkdf::HKDF_SHA256, &auth).extract(&secret);
    let mut ikm = [0u8; 32];
    expand(
        &prk_key,
        &[b"WebPush: info\0", &ua_public, as_public],
        &mut ikm,
    );
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(&ikm);
    let (mut cek, mut nonce) = ([0u8; 16], [0u8; 12]);
    expand(&prk, &[b"Content-Encoding: aes128gcm\0"], &mut cek);
    expand(&prk, &[b"Content-Encoding: nonce\0"], &mut nonce);
    let key = aead::LessSafeKey::new(aead::UnboundKey::new(&aead::AES_128_GCM, &cek).unwrap());
    let mut record = record.to_vec();
    let plain = key
        .open_in_place(
            aead::Nonce::assume_unique_for_key(nonce),
            aead::Aad::empty(),
            &mut record,
        )
        .unwrap();
    assert_eq!(plain.last(), Some(&2), "the last record's delimiter");
    plain[..plain.len() - 1].to_vec()
}

#[test]
fn the_browser_decrypts_what_it_is_sent_and_each_body_is_new() {
    let (private, sub) = browser();
    let body = encrypt(&sub, b"{\"tag\":\"B-017\"}").unwrap();
    assert_eq!(body.len(), HEADER_LEN + 15 + OVERHEAD);
    let again = encrypt(&sub, b"{\"tag\":\"B-017\"}").unwrap();
    assert_ne!(body[..16], again[..16], "a new salt");
    assert_ne!(body[21..86], again[21..86], "a new ephemeral key");
    assert_eq!(decrypt(private, &sub, &body), b"{\"tag\":\"B-017\"}");
}

#[test]
fn a_payload_over_the_limit_is_refused() {
    let (_, sub) = browser();
    assert!(encrypt(&sub, &vec![b'x'; MAX_PLAINTEXT]).is_ok());
    assert_eq!(
        encrypt(&sub, &vec![b'x'; MAX_PLAINTEXT + 1]),
        Err(PushError::TooLarge)
    );
    assert_eq!(
        encrypt(&sub, &vec![b'x'; MAX_PLAINTEXT]).unwrap().len(),
        4096
    );
}

#[test]
fn a_vapid_key_is_stored_and_read_back_as_pkcs8() {
    let key = VapidKey::generate().unwrap();
    let public = b64(&key.public_key_base64url());
    assert_eq!((public.len(), public[0]), (65, 4), "uncompressed point");
    assert!(!key.public_key_base64url().contains(['=', '+', '/']));
    let again = VapidKey::from_pkcs8(key.pkcs8()).unwrap();
    assert_eq!(again.public_key_base64url(), key.public_key_base64url());
    assert_ne!(
        VapidKey::generate().unwrap().public_key_base64url(),
        key.public_key_base64url()
    );
    assert_eq!(
        VapidKey::from_pkcs8(b"not a key").unwrap_err(),
        PushError::Key
    );
}

#[test]
fn the_vapid_header_is_an_es256_jwt_for_the_origin_signed_by_the_key() {
    let key = VapidKey::generate().unwrap();
    let header = vapid_header(
        &key,
        "https://push.example.net",
        "mailto:it@awn.example",
        1_800_000_000,
    )
    .unwrap();
    let (token, k) = header
        .strip_prefix("vapid t=")
        .unwrap()
        .split_once(", k=")
        .unwrap();
    assert_eq!(k, key.public_key_base64url());
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "{token}");
    let head: Value = serde_json::from_slice(&b64(parts[0])).unwrap();
    assert_eq!(head, json!({ "typ": "JWT", "alg": "ES256" }));
    let claims: Value = serde_json::from_slice(&b64(parts[1])).unwrap();
    assert_eq!(
        claims,
        json!({ "aud": "https://push.example.net", "exp": 1_800_000_000, "sub": "mailto:it@awn.example" })
    );
    let signature = b64(parts[2]);
    assert_eq!(signature.len(), 64, "r || s, not DER");
    let public = UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, b64(k));
    let signed = format!("{}.{}", parts[0], parts[1]);
    assert!(public.verify(signed.as_bytes(), &signature).is_ok());
    assert!(public.verify(b"something else", &signature).is_err());
}

#[test]
fn a_subscription_is_checked_and_never_shows_its_endpoint() {
    let (_, good) = browser();
    assert_eq!(good.validate(), Ok(()));
    let with = |f: &dyn Fn(&mut Subscription)| {
        let mut s = good.clone();
        f(&mut s);
        s.validate()
    };
    assert_eq!(
        with(&|s| s.endpoint = "http://push.example.net/x".into()),
        Err(SubscriptionProblem::Endpoint(UrlProblem::NotHttps))
    );
    assert_eq!(
        with(&|s| s.endpoint = "push.example.net/x".into()),
        Err(SubscriptionProblem::Endpoint(UrlProblem::Malformed))
    );
    assert_eq!(
        with(&|s| s.p256dh = URL_SAFE_NO_PAD.encode([4u8; 33])),
        Err(SubscriptionProblem::Key)
    );
    assert_eq!(
        with(&|s| s.p256dh = "not base64!".into()),
        Err(SubscriptionProblem::Key)
    );
    assert_eq!(
        with(&|s| s.auth = URL_SAFE_NO_PAD.encode([0u8; 8])),
        Err(SubscriptionProblem::Auth)
    );
    // Browsers give base64url without padding; one with padding is read too.
    assert_eq!(with(&|s| s.auth.push_str("==")), Ok(()));
    assert_eq!(format!("{good:?}"), "Subscription(push.example.net)");
    // A point off the curve passes the shape check but not the ECDH.
    let mut off = good.clone();
    let mut point = vec![4u8];
    point.extend([1u8; 64]);
    off.p256dh = URL_SAFE_NO_PAD.encode(point);
    assert_eq!(encrypt(&off, b"x"), Err(PushError::Key));
}

#[test]
fn the_payload_holds_the_branch_the_notice_and_the_label_only() {
    let p = payload(Kind::Called, Lang::En, "B-017", Some("desk 3"), "Awn");
    assert_eq!(
        serde_json::to_value(&p).unwrap(),
        json!({ "title": "Awn", "body": "It is your turn, ticket B-017, desk 3.", "tag": "B-017" })
    );
}
