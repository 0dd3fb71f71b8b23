//! Typed clients of the two API surfaces, and the assertions every test uses.

/// The cabinet API as one signed-in user sees it.
pub struct Cabinet {
    pub base: String,
    pub token: String,
    pub client: reqwest::Client,
}

impl Cabinet {
    fn req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, format!("{}/cabinet/api/v1{path}", self.base)).bearer_auth(&self.token)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.req(reqwest::Method::GET, path).send().await.expect("request")
    }

    pub async fn post(&self, path: &str, body: serde_json::Value) -> reqwest::Response {
        self.req(reqwest::Method::POST, path).json(&body).send().await.expect("request")
    }

    pub async fn patch(&self, path: &str, body: serde_json::Value) -> reqwest::Response {
        self.req(reqwest::Method::PATCH, path).json(&body).send().await.expect("request")
    }

    pub async fn delete(&self, path: &str) -> reqwest::Response {
        self.req(reqwest::Method::DELETE, path).send().await.expect("request")
    }
}

/// The payment API as one API key sees it.
pub struct Merchant {
    pub base: String,
    pub key: String,
    pub client: reqwest::Client,
}

impl Merchant {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}/api/v1{path}", self.base)).bearer_auth(&self.key).send().await.expect("request")
    }

    /// A POST with a fresh Idempotency-Key.
    pub async fn post(&self, path: &str, body: serde_json::Value) -> reqwest::Response {
        self.post_with_key(path, body, &uuid::Uuid::new_v4().to_string()).await
    }

    pub async fn post_with_key(&self, path: &str, body: serde_json::Value, key: &str) -> reqwest::Response {
        self.client
            .post(format!("{}/api/v1{path}", self.base))
            .bearer_auth(&self.key)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn delete(&self, path: &str) -> reqwest::Response {
        self.client
            .delete(format!("{}/api/v1{path}", self.base))
            .bearer_auth(&self.key)
            .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
            .send()
            .await
            .expect("request")
    }

    /// Creates a payment and returns its object.
    pub async fn pay(&self, card: &str, amount: &str) -> serde_json::Value {
        let res = self.post("/payments", payment_body(card, amount)).await;
        assert_eq!(res.status(), 201, "payment with {card}");
        json(res).await
    }
}

/// An ecom payment request with a card.
pub fn payment_body(card: &str, amount: &str) -> serde_json::Value {
    serde_json::json!({
        "type": "ecom", "amount": amount, "currency": "RUB", "order_id": "order-1842", "description": "Order 1842",
        "card": {"number": card, "exp_month": 12, "exp_year": 2030, "cvc": "123", "holder": "IVAN IVANOV"},
        "return_url": "https://shop.example/return", "metadata": {"cart": "42"}
    })
}

/// Reads a JSON body.
pub async fn json(res: reqwest::Response) -> serde_json::Value {
    res.json().await.expect("json body")
}

/// Asserts the contract's error shape with this status and code.
pub async fn assert_error(res: reqwest::Response, status: u16, code: &str) -> serde_json::Value {
    assert_eq!(res.status().as_u16(), status, "status for {code}");
    let body = json(res).await;
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(body["error"]["type"].is_string() && body["error"]["message"].is_string(), "{body}");
    body
}
