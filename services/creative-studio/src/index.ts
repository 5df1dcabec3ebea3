export { SERVICE, SUBSCRIPTIONS, buildApp, productImageStore } from './app.js';
export { CreativeStudioConfig } from './config.js';
export { CampaignStore, type CampaignPlan, type CampaignStatus } from './domain/campaign.js';
export { productImage, productImageSvg, writeProductImages, type ProductImageInput } from './domain/product-images.js';
export { lookbookDir, lookbookId } from './domain/lookbook.js';
export { referencedFiles } from './domain/html.js';
